import type { EnginePlugin } from '../engine/types';
import type { LiveSubscriptions } from './liveSubscriptions';

/**
 * Takes subscription operations away from the planner: they are resolved at
 * the gateway from NATS events (liveSubscriptions.ts), after the request has
 * been authenticated, parsed and validated (operation limits included) like
 * any other. Listed after the engine's own plugins, so its subscribe wins.
 */
export function useLiveSubscriptions(live: LiveSubscriptions): EnginePlugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn((args) => live.subscribe(args) as never);
    },
  };
}
