import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, createHookGuard, createLogger, initTracing, createSessionVerifier, createViewerSigner, type Logger, type Viewer, type ViewerSigner } from '@profile-graph/kit';
import type { GatewayConfig } from './config/loadGatewayConfig';
import { createEngine } from './engine/createEngine';
import { createAuthenticator, type Authenticate } from './auth/createAuthenticator';
import { IdentityLink } from './auth/identityLink';
import { useAuthentication } from './auth/useAuthentication';
import { createOperatorVerifier } from './auth/verifyOperatorToken';
import { createServiceTokenVerifier } from './auth/verifyServiceToken';
import { readAuthRequirements } from './authorization/readAuthRequirements';
import { useAuthorization } from './authorization/useAuthorization';
import { operationLimitPlugins } from './limits/operationLimitPlugins';
import { TokenBucketLimiter } from './limits/tokenBucketLimiter';
import { useVariableCoercion } from './limits/useVariableCoercion';
import { useSignedViewer } from './viewer/useSignedViewer';
import { createGatewayMaskError } from './errors/createGatewayMaskError';
import { useRequestErrorStatus } from './errors/useRequestErrorStatus';
import { useRequestGuards } from './requests/useRequestGuards';
import { useEmptyOperations } from './requests/useEmptyOperations';
import { useNormalizedSelections } from './requests/useNormalizedSelections';
import { bearerTokenCheck } from './http/bearerTokenCheck';
import { createRequestListener } from './http/createRequestListener';
import { readSupergraph, withSubgraphUrls } from './supergraph/readSupergraph';
import { GatewayMetrics } from './observability/gatewayMetrics';
import { observeRequest } from './observability/observeRequest';
import { useObservability } from './observability/useObservability';
import { subgraphUrlKey, subgraphUrlVariable } from './supergraph/subgraphUrlVariable';
import { createSubscriptions, isLiveEventRequest } from './subscriptions/createSubscriptions';

export const GRAPHQL_ENDPOINT = '/graphql';

/** Access tokens live at most this long (identity allows 1 h at most), so a revoked session need not be remembered longer. */
const SESSION_REVOCATION_MEMORY_MS = 3_600_000;

/** Time given to in-flight requests on close before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000;

export interface GatewayDeps {
  logger?: Logger;
  /** Replace how credentials become a Viewer (tests; later, API keys). */
  authenticate?: Authenticate;
  signViewer?: ViewerSigner;
}

export interface Gateway {
  /** This gateway's Prometheus registry (served at /metrics). */
  readonly metrics: GatewayMetrics;
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
  initTracing({ exporter: config.tracesExporter });
  const metrics = new GatewayMetrics();
  const guard = createHookGuard(logger, metrics.hookErrors);

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

  // NATS is needed only for API keys and revocations; without NATS_URL keys are refused (fail closed).
  const identityLink: Promise<IdentityLink | undefined> = config.natsUrl
    ? IdentityLink.connect({
        natsUrl: config.natsUrl,
        nkeySeed: config.natsNkeySeed!,
        ...(config.natsTlsCaFile ? { tlsCaFile: config.natsTlsCaFile } : {}),
        logger,
        cacheTtlMs: config.apiKeyCacheTtlMs,
        lookupTimeoutMs: config.apiKeyLookupTimeoutMs,
        usageFlushMs: config.apiKeyUsageFlushMs,
        sessionRevocationTtlMs: SESSION_REVOCATION_MEMORY_MS,
        onRefused: (subject) => metrics.natsRefused.inc({ subject }),
      })
    : Promise.resolve(undefined);
  const authenticate: Promise<Authenticate> = deps.authenticate
    ? Promise.resolve(deps.authenticate)
    : Promise.all([createSessionVerifier(config.sessionPublicKeys), identityLink]).then(([verifyToken, link]) =>
        createAuthenticator({
          verifySession: async (token) => {
            const claims = await verifyToken(token);
            if (link?.isSessionRevoked(claims.sessionId)) throw new AppError('UNAUTHENTICATED', 'This session was signed out; sign in again.');
            return claims;
          },
          ...(link ? { verifyApiKey: (key: string) => link.verifyApiKey(key) } : {}),
          ...(config.operatorTokenSha256 ? { verifyOperator: createOperatorVerifier(config.operatorTokenSha256) } : {}),
          ...(config.serviceTokens?.length ? { verifyService: createServiceTokenVerifier(config.serviceTokens) } : {}),
        }),
      );
  const sign: Promise<ViewerSigner> = deps.signViewer ? Promise.resolve(deps.signViewer) : createViewerSigner(config.viewerPrivateKey);
  // Key import is async; surface a bad key at listen rather than as an unhandled rejection now.
  identityLink.catch(() => undefined);
  authenticate.catch(() => undefined);
  sign.catch(() => undefined);

  const development = config.nodeEnv === 'development';
  const viewers = new WeakMap<Request, Viewer>();
  const limiter = new TokenBucketLimiter(config.rateLimit);
  const requirements = readAuthRequirements(routed.document);
  const subscriptions = createSubscriptions({
    config,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    logger,
    authenticate: (headers) => authenticate.then((fn) => fn(headers)),
    requirements,
    viewers,
    limiter,
    onRevocation: identityLink.then((link) => (link ? (listener: () => void) => void link.onRevocation(listener) : undefined)).catch(() => undefined),
    onRefused: (subject) => metrics.natsRefused.inc({ subject }),
    onCount: (open) => metrics.subscriptionsOpen.set(open),
  });
  const engine = createEngine({
    supergraph: routed.document,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    logger,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    maskError: createGatewayMaskError(logger, metrics),
    corsOrigins: config.corsOrigins,
    maxBatch: config.limits.maxBatch,
    dedupSubgraphRequests: config.subgraphDedup !== false,
    // Schema exploration is for developers (Sandbox); partners never get it, production nobody.
    allowIntrospection: (context) => {
      const request = context['request'] as Request | undefined;
      const viewer = (context['viewer'] as Viewer | undefined) ?? (request ? viewers.get(request) : undefined);
      return development && viewer?.kind !== 'partner';
    },
    plugins: [
      useRequestGuards(),
      useRequestErrorStatus(),
      useAuthentication({
        authenticate: (headers) => authenticate.then((fn) => fn(headers)),
        graphqlEndpoint: GRAPHQL_ENDPOINT,
        logger,
        trustProxyHops: config.trustProxyHops,
        limiter,
        viewers,
        isInternal: isLiveEventRequest,
      }),
      ...operationLimitPlugins(config.limits, { hideSuggestions: !development }),
      useVariableCoercion(),
      // After variables are coerced: @include(if: $flag) is decided on valid values.
      useNormalizedSelections(),
      useEmptyOperations(),
      useAuthorization({ requirements }),
      useSignedViewer({ sign: (viewer, subgraph) => sign.then((fn) => fn(viewer, subgraph)) }),
      // After useSignedViewer: adds trace and request id headers to the ones it settled on.
      useObservability({ metrics, guard }),
      // Last: its subscribe replaces the planner's for subscription operations.
      subscriptions.plugin,
    ],
  });

  let ready = false;
  let server: Server | undefined;
  const listener = createRequestListener({
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    sandbox: development,
    maxBodyBytes: config.limits.maxBodyBytes,
    isReady: () => ready,
    engine: observeRequest(metrics, GRAPHQL_ENDPOINT, engine.handle, guard),
    ...(config.metricsEnabled !== false ? { metrics: () => metrics.render() } : {}),
    ...(config.metricsTokenSha256 || config.nodeEnv === 'production' ? { metricsAllowed: bearerTokenCheck(config.metricsTokenSha256) } : {}),
  });
  if (config.metricsEnabled !== false && config.nodeEnv === 'production' && !config.metricsTokenSha256) {
    logger.warn('GET /metrics answers 401 to everyone: set METRICS_TOKEN_SHA256 for the scraper (or METRICS=off)');
  }

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
    metrics,
    async listen(port = config.port) {
      if (server) throw new Error('the gateway is already listening');
      const started = createServer(listener);
      server = started;
      subscriptions.attach(started, engine);
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(port, config.host, () => {
          started.off('error', reject);
          resolve();
        });
      });
      try {
        // The port is bound first so probes see 503 while the supergraph loads, instead of a refused connection.
        await Promise.all([identityLink, authenticate, sign, engine.load(), subscriptions.ready]);
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
      // First, while connections are still up: every subscription gets its last frame.
      await subscriptions.close();
      await closeServer();
      await engine.dispose();
      await (await identityLink.catch(() => undefined))?.close();
    },
  };
}
