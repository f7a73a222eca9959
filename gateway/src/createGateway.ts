import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DocumentNode } from 'graphql';
import { createHookGuard, createLogger, flushTracing, initTracing, createSessionVerifier, createViewerSigner, type Logger, type Viewer, type ViewerSigner } from '@profile-graph/core';
import type { GatewayConfig } from './config/loadGatewayConfig';
import { createEngine } from './engine/createEngine';
import { createAuthenticator, type Authenticate } from './auth/createAuthenticator';
import { cachingSessionVerifier } from './auth/cachingSessionVerifier';
import { IdentityLink } from './auth/identityLink';
import { useAuthentication } from './auth/useAuthentication';
import { createOperatorVerifier } from './auth/verifyOperatorToken';
import { createServiceTokenVerifier } from './auth/verifyServiceToken';
import { readAuthRequirements } from './authorization/readAuthRequirements';
import { useAuthorization } from './authorization/useAuthorization';
import { operationLimitPlugins } from './limits/operationLimitPlugins';
import { NatsRateLimitStore } from './limits/rateLimitStore';
import { SharedTokenBucketLimiter } from './limits/sharedTokenBucketLimiter';
import { useVariableCoercion } from './limits/useVariableCoercion';
import { createFetchViewerOf, useSignedViewer } from './viewer/useSignedViewer';
import { ViewerIndependence } from './viewer/viewerIndependence';
import { reusingViewerSigner } from './viewer/reusingViewerSigner';
import { TrustedDocumentRegistry } from './trustedDocuments/trustedDocumentRegistry';
import { useTrustedDocuments } from './trustedDocuments/useTrustedDocuments';
import { createGatewayMaskError } from './errors/createGatewayMaskError';
import { useRequestErrorStatus } from './errors/useRequestErrorStatus';
import { useRequestGuards } from './requests/useRequestGuards';
import { useEmptyOperations } from './requests/useEmptyOperations';
import { useNormalizedSelections } from './requests/useNormalizedSelections';
import { bearerTokenCheck } from './http/bearerTokenCheck';
import { createRequestListener } from './http/createRequestListener';
import { loadRoutedSupergraph } from './supergraph/loadRoutedSupergraph';
import { watchSupergraph } from './supergraph/supergraphWatcher';
import { GatewayMetrics } from './observability/gatewayMetrics';
import { observeRequest } from './observability/observeRequest';
import { useObservability } from './observability/useObservability';
import { createSubscriptions, isLiveEventRequest } from './subscriptions/createSubscriptions';

export const GRAPHQL_ENDPOINT = '/graphql';

/** The default of REVOCATIONS_STALE_AFTER_MS, for configs built without loadGatewayConfig (tests). */
const DEFAULT_REVOCATIONS_STALE_AFTER_MS = 3_000;

/** How long the gateway waits at start for identity's revocations bucket before giving up. */
const REVOCATIONS_STARTUP_TIMEOUT_MS = 30_000;

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
  /** Reloads the supergraph file (SIGHUP, and file changes when SUPERGRAPH_WATCH is on); false when the old one stays. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Builds the gateway from its configuration. Nothing listens until `listen`,
 * so tests start it on port 0 and main decides the port.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const logger = deps.logger ?? createLogger({ name: 'gateway', level: config.logLevel });
  initTracing(config.tracing ?? { serviceName: 'gateway' });
  const metrics = new GatewayMetrics();
  const guard = createHookGuard(logger, metrics.hookErrors);

  // Read and validated here so a bad supergraph fails createGateway with the file named, before any port is bound.
  const routed = loadRoutedSupergraph(config.supergraphPath, config.subgraphUrls, logger);
  let requirements = readAuthRequirements(routed.document);
  let independence: ViewerIndependence | undefined = readViewerIndependence(config.supergraphPath, routed.document);
  const fetchViewerOf = createFetchViewerOf(() => independence);

  // NATS carries API keys, revocations and shared rate limits; without NATS_URL keys are refused (fail closed).
  const identityLink: Promise<IdentityLink | undefined> = config.natsUrl
    ? IdentityLink.connect({
        natsUrl: config.natsUrl,
        nkeySeed: config.natsNkeySeed!,
        ...(config.natsTlsCaFile ? { tlsCaFile: config.natsTlsCaFile } : {}),
        logger,
        cacheTtlMs: config.apiKeyCacheTtlMs,
        lookupTimeoutMs: config.apiKeyLookupTimeoutMs,
        usageFlushMs: config.apiKeyUsageFlushMs,
        revocationsStaleAfterMs: config.revocationsStaleAfterMs ?? DEFAULT_REVOCATIONS_STALE_AFTER_MS,
        revocationsStartupTimeoutMs: REVOCATIONS_STARTUP_TIMEOUT_MS,
        onRefused: (subject) => metrics.natsRefused.inc({ subject }),
      })
    : Promise.resolve(undefined);
  // Organizations' trusted documents come over the same connection; without NATS no partner key is accepted anyway.
  const trustedDocuments: Promise<TrustedDocumentRegistry | undefined> = identityLink.then((link) =>
    link
      ? new TrustedDocumentRegistry({
          nc: link.nc,
          logger,
          lookupTimeoutMs: config.apiKeyLookupTimeoutMs,
          ttlMs: config.apiKeyCacheTtlMs,
          onRefused: (subject) => metrics.natsRefused.inc({ subject }),
        }).start()
      : undefined,
  );
  const authenticate: Promise<Authenticate> = deps.authenticate
    ? Promise.resolve(deps.authenticate)
    : Promise.all([createSessionVerifier(config.sessionPublicKeys).then((verify) => cachingSessionVerifier(verify)), identityLink]).then(([verifyToken, link]) =>
        createAuthenticator({
          verifySession: async (token) => {
            const claims = await verifyToken(token);
            link?.checkSession(claims);
            return claims;
          },
          ...(link ? { verifyApiKey: (key: string) => link.verifyApiKey(key) } : {}),
          ...(config.operatorTokenSha256 ? { verifyOperator: createOperatorVerifier(config.operatorTokenSha256) } : {}),
          ...(config.serviceTokens?.length ? { verifyService: createServiceTokenVerifier(config.serviceTokens) } : {}),
        }),
      );
  // One signature per (viewer, subgraph) for a few seconds, not one per subgraph fetch (reusingViewerSigner.ts).
  const sign: Promise<ViewerSigner> = deps.signViewer ? Promise.resolve(deps.signViewer) : createViewerSigner(config.viewerPrivateKey).then((signer) => reusingViewerSigner(signer));
  // Key import is async; surface a bad key at listen rather than as an unhandled rejection now.
  identityLink.catch(() => undefined);
  trustedDocuments.catch(() => undefined);
  // Per-viewer buckets shared by every replica through NATS KV once connected (sharedTokenBucketLimiter.ts).
  const limiter = new SharedTokenBucketLimiter({ ...config.rateLimit, logger, onFallback: (reason) => metrics.rateLimitFallbacks.inc({ reason }) });
  const sharedLimits: Promise<void> = identityLink.then(async (link) => {
    if (!link) return;
    metrics.observeRevocations(() => link.revocationsState());
    limiter.attach(await NatsRateLimitStore.create(link.nc));
  });
  sharedLimits.catch(() => undefined);
  authenticate.catch(() => undefined);
  sign.catch(() => undefined);

  const development = config.nodeEnv === 'development';
  const viewers = new WeakMap<Request, Viewer>();
  const subscriptions = createSubscriptions({
    config,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    logger,
    authenticate: (headers) => authenticate.then((fn) => fn(headers)),
    requirements: () => requirements,
    viewers,
    limiter,
    identityLink,
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
    fetchViewerOf,
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
      // Before any parsing: an unregistered operation of an enforcing organization's key goes no further.
      useTrustedDocuments({ registry: () => trustedDocuments, viewers, usage: metrics.partnerOperations }),
      ...operationLimitPlugins(config.limits, { hideSuggestions: !development }),
      useVariableCoercion(),
      // After variables are coerced: @include(if: $flag) is decided on valid values.
      useNormalizedSelections(),
      useEmptyOperations(),
      useAuthorization({ requirements: () => requirements }),
      useSignedViewer({ sign: (viewer, subgraph) => sign.then((fn) => fn(viewer, subgraph)), viewerOf: fetchViewerOf }),
      // After useSignedViewer: adds trace and request id headers to the ones it settled on.
      useObservability({ metrics, guard }),
      // Last: its subscribe replaces the planner's for subscription operations.
      subscriptions.plugin,
    ],
  });

  /**
   * Reads the supergraph file again and serves it, without dropping requests in flight. A file that fails
   * to read, parse or plan leaves the current supergraph serving (logged, supergraph_reloads_total{outcome="failed"}).
   * Reloads run one at a time; a change that arrives during one is picked up by the next.
   */
  let reloading: Promise<boolean> = Promise.resolve(true);
  const reload = (trigger: 'file' | 'signal' | 'call'): Promise<boolean> =>
    (reloading = reloading.then(async () => {
      const previous = requirements;
      const previousIndependence = independence;
      try {
        const next = loadRoutedSupergraph(config.supergraphPath, config.subgraphUrls, logger);
        const nextRequirements = readAuthRequirements(next.document);
        const nextIndependence = readViewerIndependence(config.supergraphPath, next.document);
        // While the engine switches, requests on either schema are held to both versions' rules (fail closed).
        requirements = {
          fields: new Map([...previous.fields, ...nextRequirements.fields]),
          types: new Map([...previous.types, ...nextRequirements.types]),
        };
        // And every fetch keeps its viewer until the new declarations apply (fail closed: less sharing, never more).
        independence = undefined;
        await engine.reload(next.document);
        requirements = nextRequirements;
        independence = nextIndependence;
        metrics.supergraphReloads.inc({ outcome: 'ok' });
        logger.info({ trigger, subgraphs: next.subgraphs.map((s) => s.name) }, 'supergraph reloaded');
        return true;
      } catch (error) {
        requirements = previous;
        independence = previousIndependence;
        metrics.supergraphReloads.inc({ outcome: 'failed' });
        logger.error({ trigger, reason: (error as Error).message }, 'supergraph reload failed; still serving the previous supergraph');
        return false;
      }
    }));
  const watcher = config.supergraphWatch ? watchSupergraph(config.supergraphPath, () => void reload('file')) : undefined;

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
        await Promise.all([identityLink, sharedLimits, authenticate, sign, engine.load(), subscriptions.ready]);
      } catch (error) {
        await closeServer();
        throw error;
      }
      ready = true;
      const bound = (started.address() as AddressInfo).port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
      return { url: `http://${host}:${bound}${GRAPHQL_ENDPOINT}`, port: bound };
    },
    reload: () => reload('call'),
    async close() {
      ready = false;
      watcher?.close();
      // First, while connections are still up: every subscription gets its last frame.
      await subscriptions.close();
      await closeServer();
      await engine.dispose();
      (await trustedDocuments.catch(() => undefined))?.stop();
      await (await identityLink.catch(() => undefined))?.close();
      await flushTracing();
    },
  };
}

/** The supergraph's viewer-independence declarations; a contradiction fails with the file named. */
function readViewerIndependence(supergraphPath: string, document: DocumentNode): ViewerIndependence {
  try {
    return ViewerIndependence.fromSupergraph(document);
  } catch (error) {
    throw new Error(`supergraph ${supergraphPath}: ${(error as Error).message}`);
  }
}
