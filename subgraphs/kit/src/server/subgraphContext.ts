import type { Logger } from 'pino';
import type { Loaders } from '../loaders/createLoaders';
import type { Viewer } from '../viewer/viewer';

/** What every resolver receives. Subgraphs add their own services under `services`. */
export interface SubgraphContext<S = unknown> {
  viewer: Viewer;
  loaders: Loaders;
  log: Logger;
  requestId: string;
  services: S;
}
