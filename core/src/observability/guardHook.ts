import type { Counter } from 'prom-client';

interface HookLogger {
  error(obj: object, msg: string): void;
}

/** Wraps a side hook (metrics, tracing, logging) so its failure cannot reach the request or the process. */
export type HookGuard = <A extends unknown[]>(hook: string, fn: (...args: A) => void) => (...args: A) => void;

/**
 * Observability must never be the reason a request fails or a process
 * exits: a listener that throws inside an EventEmitter `finish` event is an
 * uncaught exception. Each failing hook is counted every time and logged
 * once per hook name (a broken hook fails on every request; one line says
 * so, the counter says how often).
 */
export function createHookGuard(logger: HookLogger, errors: Pick<Counter<'hook'>, 'inc'>): HookGuard {
  const reported = new Set<string>();
  return (hook, fn) =>
    (...args) => {
      try {
        fn(...args);
      } catch (error) {
        try {
          errors.inc({ hook });
        } catch {
          // the counter itself is what failed; the log line below still says so
        }
        if (reported.has(hook)) return;
        reported.add(hook);
        logger.error({ hook, err: error }, `observability hook "${hook}" failed; contained (logged once, counted in hook_errors_total)`);
      }
    };
}
