import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { GraphQLSchema } from 'graphql';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { deliveryPolicy, streamMaxAgeHours, type SubgraphConfig } from '../config/subgraphConfigSchema';
import { authDirectivesTransform } from '../auth/authDirectivesTransform';
import { AccessLogRecorder } from '../consent/accessLogRecorder';
import { ConsentProjection } from '../consent/consentProjection';
import type { RecipientRelations } from '../consent/decideConsent';
import { assertEnforcementAllowed } from '../consent/enforcementSwitch';
import { requiresConsentTransform } from '../consent/requiresConsentTransform';
import { connectDatabase, ensureIndexes, isDatabaseReady } from '../db/connectDatabase';
import { storageOf } from '../db/storage';
import { deadLetterStreamOf } from '../events/deadLetter';
import { EventBus, type ConsumeOptions } from '../events/eventBus';
import { OutboxRelay } from '../events/outbox';
import { streams, type StreamName } from '../events/streams';
import { createLogger, createViewerVerifier, flushTracing, initTracing, tracingOptions } from '@profile-graph/core';
import { assertFaultAllowed } from '../observability/faultInjection';
import { ServiceMetrics } from '../observability/serviceMetrics';
import { erasureGuard } from '../privacy/erasureGuard';
import { dateTimeScalar } from '../scalars/dateTimeScalar';
import { loadSubgraphTypeDefs } from '../schema/loadSubgraphTypeDefs';
import { createSubgraphServer, type RunningServer } from '../server/createSubgraphServer';
import type { RetentionSweep } from '../privacy/retentionSweep';
import { wirePrivacyParts, type PrivacyParts, type WiredPrivacy } from './wirePrivacyParts';

export interface SetupContext {
  db: Connection;
  bus: EventBus;
  relay: OutboxRelay;
  logger: Logger;
  /** This instance's consent projection, already caught up with the stream. */
  consent: ConsentProjection;
}

/**
 * A subgraph's resolver map, typed where it is written by the subgraph's
 * generated `Resolvers` (subgraphs/<name>/src/generated, `npm run codegen`).
 */
export type SubgraphResolvers = { [typeName: string]: object | undefined };

export interface SubgraphParts<S> {
  resolvers: SubgraphResolvers;
  services: S;
  consumers?: ConsumeOptions[];
  /** Export, erasure and retention: declared here, wired, started and stopped by the kit (every subgraph erases). */
  privacy: PrivacyParts;
  /** Relationships the purposes' recipient rules need, when this subgraph owns them (hiring: applications, members). */
  recipientRelations?: RecipientRelations;
  /** Runs after the HTTP server stopped and before NATS and the database close. */
  onClose?: () => Promise<void>;
}

export interface SubgraphDefinition<S> {
  name: string;
  /** Streams this subgraph publishes to or consumes from; ensured at startup. */
  streams: StreamName[];
  /** Now, for erasure receipts and retention sweeps; tests inject one to move time. */
  clock?: () => Date;
  setup(context: SetupContext): Promise<SubgraphParts<S>>;
  /** Schema-wide transforms (directive enforcement), applied after the subgraph schema is built. */
  schemaTransforms?: ((schema: GraphQLSchema, context: SetupContext) => GraphQLSchema)[];
}

export interface SubgraphService<S> {
  listen(port: number): Promise<RunningServer>;
  close(): Promise<void>;
  services: S;
  db: Connection;
  bus: EventBus;
  relay: OutboxRelay;
  logger: Logger;
  consent: ConsentProjection;
  accessLog: AccessLogRecorder;
  /** This instance's Prometheus registry (also served at /metrics). */
  metrics: ServiceMetrics;
  /** The subgraph's retention policies on their timer (tests run a pass with runOnce). */
  retention: RetentionSweep;
}

/**
 * Builds a whole subgraph from its definition: database, event bus, outbox
 * relay, consumers, schema and HTTP server. Startup either completes or fails
 * within STARTUP_TIMEOUT_MS with one line naming what was unreachable.
 */
export async function createSubgraphService<S>(
  definition: SubgraphDefinition<S>,
  config: SubgraphConfig,
  options: { logger?: Logger } = {},
): Promise<SubgraphService<S>> {
  const logger = options.logger ?? createLogger({ name: definition.name, level: config.LOG_LEVEL });
  assertFaultAllowed(config.FAULT_INJECTION, config.NODE_ENV);
  assertEnforcementAllowed(config.CONSENT_ENFORCEMENT, config.NODE_ENV);
  if (config.FAULT_INJECTION !== 'none') logger.warn({ fault: config.FAULT_INJECTION }, 'FAULT INJECTION IS ON (test setting)');
  initTracing(tracingOptions(config, definition.name));
  const metrics = new ServiceMetrics(definition.name);
  const dbName = `${config.DATABASE_PREFIX}_${definition.name}`;
  // Connect both at once; if either fails, close the other so nothing lingers.
  const [dbResult, busResult] = await Promise.allSettled([
    connectDatabase(config.MONGODB_URI, dbName, config.STARTUP_TIMEOUT_MS, config.BATCH_LOOKUP),
    EventBus.connect({
      url: config.NATS_URL,
      role: definition.name,
      nkeySeed: config.NATS_NKEY_SEED,
      ...(config.NATS_TLS_CA_FILE ? { tlsCaFile: config.NATS_TLS_CA_FILE } : {}),
      name: `${definition.name}-subgraph`,
      timeoutMs: config.STARTUP_TIMEOUT_MS,
      logger,
      streamReplicas: config.JETSTREAM_REPLICAS,
      streamMaxAgeHours: streamMaxAgeHours(config),
      delivery: deliveryPolicy(config),
    }),
  ]);
  if (dbResult.status === 'rejected' || busResult.status === 'rejected') {
    if (dbResult.status === 'fulfilled') await dbResult.value.close().catch(() => undefined);
    if (busResult.status === 'fulfilled') await busResult.value.close().catch(() => undefined);
    throw dbResult.status === 'rejected' ? dbResult.reason : (busResult as PromiseRejectedResult).reason;
  }
  const db = dbResult.value;
  const bus = busResult.value;
  bus.metrics = metrics;
  bus.serviceName = definition.name;
  metrics.natsConnected.set(bus.isConnected() ? 1 : 0);
  const relay = new OutboxRelay(bus, logger, { intervalMs: config.OUTBOX_POLL_MS, serializeWrites: !storageOf(db).atomicUpdates, fault: config.FAULT_INJECTION });
  // Every subgraph enforces @requiresConsent, so every one follows consent state and feeds the access log.
  const consent = new ConsentProjection({
    db,
    bus,
    logger,
    staleAfterMs: config.CONSENT_STALE_AFTER_MS,
    syncTimeoutMs: config.STARTUP_TIMEOUT_MS,
    erasedUsersPollMs: config.ERASED_USERS_POLL_MS,
  });
  metrics.consentProjectionBacklog = () => consent.pendingWrites;
  const accessLog = new AccessLogRecorder(bus, logger, { subgraph: definition.name, flushMs: config.ACCESS_LOG_FLUSH_MS });
  const setupContext: SetupContext = { db, bus, relay, logger, consent };
  let privacy: WiredPrivacy | undefined;
  try {
    const used = [...new Set<StreamName>([...definition.streams, 'CONSENT_STATE', 'PRIVACY', deadLetterStreamOf(definition.name)])];
    await bus.ensureStreams(used.filter((name) => streams[name].owner === definition.name));
    await bus.awaitStreams(used.filter((name) => streams[name].owner !== definition.name), config.STARTUP_TIMEOUT_MS);
    await consent.start();
    // From here on every change is live (the replay above is history): how long enforcement trailed the decision.
    consent.onChange((snapshot) => {
      const lagMs = Date.now() - Date.parse(snapshot.updatedAt);
      if (Number.isFinite(lagMs)) metrics.consentPropagation.observe(Math.max(0, lagMs) / 1000);
    });
    const parts = await definition.setup(setupContext);
    privacy = wirePrivacyParts(parts.privacy, { subgraph: definition.name, db, relay, bus, logger, clock: definition.clock ?? (() => new Date()), metrics });
    privacy.start();
    await ensureIndexes(db);
    // The generated types checked the map against the SDL; @apollo/subgraph's own map type is looser and differently shaped.
    const resolvers = { DateTime: dateTimeScalar, ...parts.resolvers } as GraphQLResolverMap<unknown>;
    let schema = buildSubgraphSchema({ typeDefs: loadSubgraphTypeDefs(definition.name), resolvers });
    if (config.CONSENT_ENFORCEMENT === 'on') schema = requiresConsentTransform(schema, {
        lookup: consent,
        accessLog,
        relations: parts.recipientRelations,
        onDenied: (purpose, code) => metrics.consentDenials.inc({ purpose, code }),
      });
    else logger.warn('CONSENT ENFORCEMENT IS DISABLED (benchmark setting, refused in production): gated fields resolve without consent');
    // Last, so it wraps outermost: an unauthorized viewer is refused before consent is even looked up.
    schema = authDirectivesTransform(schema);
    for (const transform of definition.schemaTransforms ?? []) schema = transform(schema, setupContext);
    const server = await createSubgraphServer({
      name: definition.name,
      schema,
      logger,
      services: parts.services,
      verifyViewer: await createViewerVerifier(config.VIEWER_PUBLIC_KEY, definition.name),
      readiness: () => ({ database: isDatabaseReady(db), nats: bus.isConnected(), consent: consent.isAvailable() }),
      introspection: config.NODE_ENV !== 'production',
      metrics,
      isDatabaseReady: () => isDatabaseReady(db),
      isErased: (userId) => erasureGuard(db).isErased(userId),
    });
    // The subgraph's own consumers first, then its erasure step.
    for (const consumer of [...(parts.consumers ?? []), privacy.erasureConsumer]) await bus.consume(consumer);
    const wired = privacy;
    relay.start();
    // Events written while NATS was away leave as soon as it is back, not at the next poll.
    bus.onReconnect(() => relay.sweep());
    accessLog.start();
    return {
      services: parts.services,
      db,
      bus,
      relay,
      logger,
      consent,
      accessLog,
      metrics,
      retention: wired.retention,
      listen: (port) => server.listen(port, config.HOST),
      close: async () => {
        await server.close();
        // Export, erasure and retention first, as each subgraph stopped them before its own parts.
        await wired.stop();
        await parts.onClose?.();
        await accessLog.close();
        await consent.stop();
        await relay.stop();
        await bus.close();
        await db.close();
        await flushTracing();
      },
    };
  } catch (error) {
    await privacy?.stop().catch(() => undefined);
    await consent.stop().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
