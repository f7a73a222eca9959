import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { startNats, type NatsHandle, type NatsRole } from '@profile-graph/dev-services';
import { connectNats, createLogger, createViewerSigner, ensureRevocationBucket, generateKeyPairPem, type Viewer, VIEWER_HEADER } from '@profile-graph/core';
import { EventBus } from '../events/eventBus';
import { STREAM_NAMES } from '../events/streams';

export type { NatsRole };

export interface TestEnvironment {
  /** A nats-server of this test file's own, so durable consumers never cross test files; authenticated like every other. */
  nats: NatsHandle;
  mongoUri: string;
  /** Database prefix unique to this environment. */
  databasePrefix: string;
  viewerKeys: { publicKey: string; privateKey: string };
  sessionKeys: { publicKey: string; privateKey: string };
  /** Environment variables a subgraph config loader accepts, with `role`'s NATS credentials (a subgraph's name). */
  subgraphEnv(role: NatsRole, extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** A raw NATS connection as `role` (tests that play a service, or an insider). */
  connectNats(role: NatsRole): Promise<NatsConnection>;
  /** A new event bus as `role` (the caller closes it). */
  connectBus(role: NatsRole): Promise<EventBus>;
  /**
   * This environment's shared bus as `role`, closed by stop(): tests publish
   * another service's events as that service (identity's events as identity),
   * and inspect streams as the admin role, because no service may.
   */
  bus(role: NatsRole): Promise<EventBus>;
  /** Headers that let a test call a subgraph directly as `viewer`, as the gateway would. */
  viewerHeaders(viewer: Viewer, subgraphName: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Real services for one test file: its own NATS (with the permission table's
 * users, fresh keys), the run's MongoDB with a fresh database prefix, fresh
 * signing keys. Streams are provisioned up front as the admin role, because
 * a test may start a subgraph without the owner of a stream it reads.
 */
export async function startTestEnvironment(): Promise<TestEnvironment> {
  const mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) throw new Error('MONGODB_URI is not set: run tests through jest (its globalSetup starts MongoDB).');
  const nats = await startNats({});
  const connect = (role: NatsRole) => connectNats({ url: nats.url, role, nkeySeed: nats.credentials[role].seed, name: `test-${role}`, timeoutMs: 5_000 });
  const connectBus = (role: NatsRole) =>
    EventBus.connect({ url: nats.url, role, nkeySeed: nats.credentials[role].seed, name: `test-${role}`, timeoutMs: 5_000, logger: createLogger({ name: `test-${role}`, level: 'silent' }) });
  const admin = await connectBus('admin');
  await admin.provisionStreams(STREAM_NAMES);
  // Gateways wait for identity's revocations bucket: here a test may start a gateway without identity.
  await ensureRevocationBucket(await admin.nc.jetstreamManager());
  await admin.close();
  const shared = new Map<NatsRole, Promise<EventBus>>();
  const bus = (role: NatsRole) => {
    if (!shared.has(role)) shared.set(role, connectBus(role));
    return shared.get(role)!;
  };
  const databasePrefix = `t_${randomBytes(6).toString('hex')}`;
  const viewerKeys = generateKeyPairPem();
  const sessionKeys = generateKeyPairPem();
  const signViewer = await createViewerSigner(viewerKeys.privateKey);
  return {
    nats,
    viewerHeaders: async (viewer, subgraphName) => ({ [VIEWER_HEADER]: await signViewer(viewer, subgraphName) }),
    mongoUri,
    databasePrefix,
    viewerKeys,
    sessionKeys,
    connectNats: connect,
    connectBus,
    bus,
    subgraphEnv: (role, extra = {}) => ({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MONGODB_URI: mongoUri,
      NATS_URL: nats.url,
      NATS_NKEY_SEED: nats.credentials[role].seed,
      DATABASE_PREFIX: databasePrefix,
      VIEWER_PUBLIC_KEY: viewerKeys.publicKey,
      SESSION_PRIVATE_KEY: sessionKeys.privateKey,
      SCRYPT_LOG_N: '12',
      OUTBOX_POLL_MS: '200',
      PORT: '0',
      ...extra,
    }),
    stop: async () => {
      for (const opened of shared.values()) await (await opened).close().catch(() => undefined);
      await nats.stop();
    },
  };
}
