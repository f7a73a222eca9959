import mongoose, { type Connection } from 'mongoose';
import { detectStorage, type BatchLookupSetting } from './storage';

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
  // The storage's capabilities are read here, once; the kit's operations ask them (storage.ts).
  await detectStorage(connection, batchLookup);
  return connection;
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
