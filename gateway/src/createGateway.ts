import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, createSessionVerifier, createViewerSigner, type Logger, type ViewerSigner } from '@profile-graph/kit';
import type { GatewayConfig } from './config/loadGatewayConfig';
import { createEngine } from './engine/createEngine';
import { createAuthenticator, type Authenticate } from './auth/createAuthenticator';
import { useAuthentication } from './auth/useAuthentication';
import { useSignedViewer } from './viewer/useSignedViewer';
import { createGatewayMaskError } from './errors/createGatewayMaskError';
import { createRequestListener } from './http/createRequestListener';
import { readSupergraph, withSubgraphUrls } from './supergraph/readSupergraph';
import { subgraphUrlKey, subgraphUrlVariable } from './supergraph/subgraphUrlVariable';

export const GRAPHQL_ENDPOINT = '/graphql';

/** Time given to in-flight requests on close before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000;

export interface GatewayDeps {
  logger?: Logger;
  /** Replace how credentials become a Viewer (tests; later, API keys). */
  authenticate?: Authenticate;
  signViewer?: ViewerSigner;
}

export interface Gateway {
  /** Resolves once the port is bound and the supergraph is loaded; `url` is the GraphQL endpoint. */
  listen(port?: number): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/**
 * Builds the gateway from its configuration. Nothing listens until `listen`,
 * so tests start it on port 0 and main decides the port.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const logger = deps.logger ?? createLogger({ name: 'gateway', level: config.logLevel });

  // Read and validated here so a bad supergraph fails createGateway with the file named, before any port is bound.
  const supergraph = readSupergraph(config.supergraphPath);
  const overrides: Record<string, string> = {};
  for (const subgraph of supergraph.subgraphs) {
    const url = config.subgraphUrls[subgraphUrlKey(subgraph.name)];
    if (url !== undefined) overrides[subgraph.name] = url;
  }
  const known = new Set(supergraph.subgraphs.map((s) => subgraphUrlKey(s.name)));
  for (const key of Object.keys(config.subgraphUrls)) {
    if (!known.has(key)) logger.warn({ variable: `SUBGRAPH_${key}_URL` }, 'subgraph URL override matches no subgraph in the supergraph; ignored');
  }
  const routed = withSubgraphUrls(supergraph, overrides);
  logger.info(
    { subgraphs: routed.subgraphs.map((s) => ({ name: s.name, url: s.url, override: subgraphUrlVariable(s.name) })) },
    'supergraph read',
  );

  const authenticate: Promise<Authenticate> = deps.authenticate
    ? Promise.resolve(deps.authenticate)
    : createSessionVerifier(config.sessionPublicKeys).then((verifySession) => createAuthenticator({ verifySession }));
  const sign: Promise<ViewerSigner> = deps.signViewer ? Promise.resolve(deps.signViewer) : createViewerSigner(config.viewerPrivateKey);
  // Key import is async; surface a bad key at listen rather than as an unhandled rejection now.
  authenticate.catch(() => undefined);
  sign.catch(() => undefined);

  const engine = createEngine({
    supergraph: routed.document,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    logger,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    maskError: createGatewayMaskError(logger),
    plugins: [
      useAuthentication({ authenticate: (headers) => authenticate.then((fn) => fn(headers)), graphqlEndpoint: GRAPHQL_ENDPOINT, logger }),
      useSignedViewer({ sign: (viewer, subgraph) => sign.then((fn) => fn(viewer, subgraph)) }),
    ],
  });

  let ready = false;
  let server: Server | undefined;
  const listener = createRequestListener({
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    sandbox: config.nodeEnv !== 'production',
    isReady: () => ready,
    engine: engine.handle,
  });

  async function closeServer(): Promise<void> {
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    current.closeIdleConnections();
    const timer = setTimeout(() => current.closeAllConnections(), DRAIN_TIMEOUT_MS);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }

  return {
    async listen(port = config.port) {
      if (server) throw new Error('the gateway is already listening');
      const started = createServer(listener);
      server = started;
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(port, config.host, () => {
          started.off('error', reject);
          resolve();
        });
      });
      try {
        // The port is bound first so probes see 503 while the supergraph loads, instead of a refused connection.
        await Promise.all([authenticate, sign, engine.load()]);
      } catch (error) {
        await closeServer();
        throw error;
      }
      ready = true;
      const bound = (started.address() as AddressInfo).port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
      return { url: `http://${host}:${bound}${GRAPHQL_ENDPOINT}`, port: bound };
    },
    async close() {
      ready = false;
      await closeServer();
      await engine.dispose();
    },
  };
}
