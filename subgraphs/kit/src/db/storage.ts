import type { Connection } from 'mongoose';

/**
 * What the database behind a connection can do, read once at connect. Domain
 * code never asks which server it talks to; the kit's operations (loaders,
 * pageByIds, the outbox relay's writes) ask these instead.
 */
export interface StorageCapabilities {
  /**
   * Conditional updates are atomic on the server. MongoDB: yes. FerretDB 1.x
   * reads then writes, so concurrent updates of one document lose changes
   * (60 concurrent `$inc` kept 10); the kit then serializes a tracked model's
   * writes in-process (serializeWrites).
   */
  atomicUpdates: boolean;
  /**
   * `$in` is answered from an index. MongoDB: yes, so a batch is one command.
   * FerretDB 1.x evaluates `$in` in Go over the whole collection (290 ms for 20
   * keys in 10,000 documents) but pushes plain equality down (about 3 ms), so
   * there one equality query per key, sent together, is the fast way.
   */
  indexedIn: boolean;
}

/** How `$in` lookups are read: `in` one `$in`, `per-key` one equality query per key, `auto` by the server. */
export type BatchLookupSetting = 'auto' | 'in' | 'per-key';
export const BATCH_LOOKUP_SETTINGS = ['auto', 'in', 'per-key'] as const satisfies readonly BatchLookupSetting[];

const capabilities = new WeakMap<Connection, StorageCapabilities>();

/** MongoDB's answers, for a connection the kit did not open (a test's own). */
const MONGODB: StorageCapabilities = { atomicUpdates: true, indexedIn: true };

/**
 * Reads the server's capabilities and keeps them with the connection.
 * `batchLookup` overrides `indexedIn` (tests and the bench count commands as
 * MongoDB would send them, on FerretDB).
 */
export async function detectStorage(connection: Connection, batchLookup: BatchLookupSetting = 'auto'): Promise<StorageCapabilities> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  const ferretDb = 'ferretdbVersion' in info || 'ferretdbFeatures' in info;
  const detected: StorageCapabilities = {
    atomicUpdates: !ferretDb,
    indexedIn: batchLookup === 'auto' ? !ferretDb : batchLookup === 'in',
  };
  capabilities.set(connection, detected);
  return detected;
}

/** The capabilities read at connect; MongoDB's for a connection opened elsewhere. */
export function storageOf(connection: Connection): StorageCapabilities {
  return capabilities.get(connection) ?? MONGODB;
}
