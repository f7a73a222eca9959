import type { Logger } from 'pino';
import type { RequestOrigin } from '../consent/requestOrigin';
import type { Loaders } from '../loaders/createLoaders';
import type { Viewer } from '@profile-graph/core';

/** What every resolver receives. Subgraphs add their own services under `services`. */
export interface SubgraphContext<S = unknown> {
  viewer: Viewer;
  loaders: Loaders;
  log: Logger;
  requestId: string;
  services: S;
  /** Client id, truncated IP and user agent the gateway forwarded; recorded with consent decisions. */
  origin?: RequestOrigin;
}
