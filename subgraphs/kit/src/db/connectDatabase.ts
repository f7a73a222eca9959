import mongoose, { type Connection } from 'mongoose';

/**
 * Opens this subgraph's own database. Each subgraph owns one database and
 * never reads another's collections. The connection fails within
 * `timeoutMs` instead of buffering queries forever, so a wrong URI is a
 * one-line startup error rather than a hang.
 */
export async function connectDatabase(uri: string, dbName: string, timeoutMs = 10_000, batchLookup: BatchLookupSetting = 'auto'): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    // Commands issued while disconnected fail fast (and readiness turns false)
    // instead of queueing behind a dead server.
    bufferCommands: false,
    autoIndex: false,
    monitorCommands: true,
  });
  try {
    await connection.asPromise();
  } catch (cause) {
    await connection.close().catch(() => undefined);
    throw new Error(`MongoDB at ${redactUri(uri)} is unreachable (${(cause as Error).message.split('\n')[0]})`, { cause });
  }
  const ferretDb = await detectFerretDb(connection);
  ferretDbConnections.set(connection, ferretDb);
  batchLookups.set(connection, batchLookup === 'auto' ? (ferretDb ? 'per-key' : 'in') : batchLookup);
  return connection;
}

const ferretDbConnections = new WeakMap<Connection, boolean>();

/**
 * How a DataLoader batch of keys is read. MongoDB answers one `$in` from an
 * index, so a batch is one command. FerretDB 1.x evaluates `$in` in Go over
 * the whole collection (measured: 290 ms for 20 keys in 10,000 documents) but
 * pushes plain equality down (`_id` on any backend, other fields on
 * PostgreSQL: about 3 ms), so there one equality query per key, sent
 * together, is the fast way. `auto` picks by the server.
 */
export type BatchLookup = 'in' | 'per-key';
export type BatchLookupSetting = BatchLookup | 'auto';
export const BATCH_LOOKUP_SETTINGS = ['auto', 'in', 'per-key'] as const satisfies readonly BatchLookupSetting[];
const batchLookups = new WeakMap<Connection, BatchLookup>();

/** The batch lookup of a connection opened by connectDatabase; `in` for any other. */
export function batchLookupOf(connection: Connection): BatchLookup {
  return batchLookups.get(connection) ?? 'in';
}

async function detectFerretDb(connection: Connection): Promise<boolean> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info || 'ferretdbFeatures' in info;
}

/**
 * True when the server is FerretDB, whose updates are read-then-write rather
 * than atomic (see serializeWrites).
 */
export function isFerretDb(connection: Connection): boolean {
  return ferretDbConnections.get(connection) ?? false;
}

/** Builds every model's indexes; models are registered before this runs. */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) await model.createIndexes();
}

export function isDatabaseReady(connection: Connection): boolean {
  return connection.readyState === mongoose.ConnectionStates.connected;
}

/** Never print credentials embedded in a connection string. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//[credentials]@');
}
