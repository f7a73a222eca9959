// Hand-written declarations for services.js (plain CommonJS so it runs before `npm install`).
import type { NatsCredentials } from './natsAuth';

export declare const NATS_SERVER_VERSION: string;
export declare const FERRETDB_VERSION: string;

export type MongoKind = 'mongod' | 'ferretdb';

export interface ServiceHandle {
  port: number;
  /** pid of the current process; changes on restart(). */
  pid: number;
  /** Absolute path of the server binary. */
  bin: string;
  logFile: string;
  /** SIGTERM and wait for exit (SIGKILL after 5 s). Data is kept. No-op when already stopped. */
  stop(): Promise<void>;
  /** Stops (if running) and starts again on the same port with the same data. */
  restart(): Promise<void>;
}

export interface NatsHandle extends ServiceHandle {
  /** nats://127.0.0.1:PORT */
  url: string;
  storeDir: string;
  /** Every role's nkey (the server knows the public halves): the only way in. */
  credentials: NatsCredentials;
}

export interface MongoHandle extends ServiceHandle {
  /** mongodb://127.0.0.1:PORT (no database name) */
  uri: string;
  kind: MongoKind;
  dataDir: string;
}

export interface StartOptions {
  /** 0 or omitted: a free port. */
  port?: number;
  /** Defaults to a temp file next to the data. */
  logFile?: string;
  /** Let the server outlive this process (own process group, not killed on exit). */
  detached?: boolean;
}

/** Absolute path of nats-server >= 2.10 (PATH, Go's bin dir, else `go install`s it). Throws a one-line hint. */
export declare function findOrInstallNatsServer(): string;

/** mongod on PATH, else a working FerretDB 1.x, else builds FerretDB with Go. Throws a one-line hint. */
export declare function findOrInstallMongo(): { kind: MongoKind; path: string };

/**
 * `nats-server -js` on 127.0.0.1 with the permission table's nkey users (fresh keys unless given);
 * never open. Resolves once it greets clients, rejects within 15 s.
 */
export declare function startNats(opts?: StartOptions & { storeDir?: string; credentials?: NatsCredentials; tls?: { certFile: string; keyFile: string }; clusterConfig?: string }): Promise<NatsHandle>;

/** A JetStream cluster of `size` (default 3) nats-servers on 127.0.0.1 with the same users and keys; `url` lists every node. */
export declare function startNatsCluster(opts?: { size?: number; credentials?: NatsCredentials }): Promise<{ nodes: NatsHandle[]; url: string; credentials: NatsCredentials; stop(): Promise<void> }>;

/** The dev services' NATS keys, one seed per role under <root>/.data/keys/nats (0600), created once. */
export declare function devNatsCredentials(root: string): NatsCredentials;

/** mongod or FerretDB (SQLite) on 127.0.0.1; resolves once a wire-protocol ping succeeds, rejects within 15 s. */
export declare function startMongo(opts?: StartOptions & { dataDir?: string }): Promise<MongoHandle>;

/**
 * MONGODB_URI / NATS_URL when set; else reuses services recorded in <root>/.data/services;
 * else starts them detached on 27017 / 4222 (or free ports when taken).
 */
export declare function ensureDevServices(opts: {
  root: string;
}): Promise<{ mongoUri: string; natsUrl: string; started: Array<'nats' | 'mongo'> }>;

/** Stops what ensureDevServices started and removes the records; data stays. */
export declare function stopDevServices(opts: { root: string }): Promise<{ stopped: Array<'nats' | 'mongo'> }>;

export interface DevServiceStatus {
  state: 'env' | 'running' | 'stopped';
  url?: string;
  pid?: number;
  port?: number;
  kind?: string;
  logFile?: string;
}

export declare function devServicesStatus(opts: { root: string }): Promise<Record<'nats' | 'mongo', DevServiceStatus>>;

/** A port the OS reported free a moment ago on 127.0.0.1. */
export declare function getFreePort(): Promise<number>;

/** Resolves once host:port accepts TCP connections; rejects after timeoutMs (default 15 s). */
export declare function waitForPort(host: string, port: number, timeoutMs?: number): Promise<void>;
