import { randomBytes } from 'node:crypto';
import { startNats, type NatsHandle } from '../../../../scripts/lib/services';
import { generateKeyPairPem } from '../viewer/generateViewerKeys';
import { createViewerSigner } from '../viewer/signViewer';
import { VIEWER_HEADER, type Viewer } from '../viewer/viewer';

export interface TestEnvironment {
  /** A nats-server of this test file's own, so durable consumers never cross test files. */
  nats: NatsHandle;
  mongoUri: string;
  /** Database prefix unique to this environment. */
  databasePrefix: string;
  viewerKeys: { publicKey: string; privateKey: string };
  sessionKeys: { publicKey: string; privateKey: string };
  /** Environment variables a subgraph config loader accepts. */
  subgraphEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Headers that let a test call a subgraph directly as `viewer`, as the gateway would. */
  viewerHeaders(viewer: Viewer, subgraphName: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** Real services for one test file: its own NATS, the run's MongoDB with a fresh database prefix, fresh keys. */
export async function startTestEnvironment(): Promise<TestEnvironment> {
  const mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) throw new Error('MONGODB_URI is not set: run tests through jest (its globalSetup starts MongoDB).');
  const nats = await startNats({});
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
    subgraphEnv: (extra = {}) => ({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MONGODB_URI: mongoUri,
      NATS_URL: nats.url,
      DATABASE_PREFIX: databasePrefix,
      VIEWER_PUBLIC_KEY: viewerKeys.publicKey,
      SESSION_PRIVATE_KEY: sessionKeys.privateKey,
      SCRYPT_LOG_N: '12',
      OUTBOX_POLL_MS: '200',
      PORT: '0',
      ...extra,
    }),
    stop: () => nats.stop(),
  };
}
