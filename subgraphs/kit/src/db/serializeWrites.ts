import type { Model } from 'mongoose';
import { KeyedLock } from './keyedLock';

export const QUERY_WRITES = new Set(['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete']);
export const WRITES = new Set([...QUERY_WRITES, 'create', 'insertMany', 'bulkWrite']);

/**
 * The same model, with its writes to any one document run one at a time in
 * this process (writes that name no single document run alone).
 *
 * FerretDB 1.x (our dev/test MongoDB-wire server) applies an update as a read
 * then a whole-document write, so two concurrent updates of one document can
 * lose one of them: the outbox relay clearing `_outbox` could silently revert
 * a change that had already been acknowledged (a lost consent withdrawal was
 * seen in a test). Serializing the writes of each document, the relay's included,
 * closes that window within one process, while writes of different documents
 * still run side by side. MongoDB applies each update atomically, so the
 * kit only does this on FerretDB (see OutboxRelay.track).
 */
export function serializeWrites<M extends Model<any>>(model: M): M {
  const lock = new KeyedLock();
  const underLock = <T>(operation: string, filterOrDoc: unknown, run: () => PromiseLike<T>): Promise<T> => {
    const key = documentKey(operation, filterOrDoc);
    return key === undefined ? lock.runExclusive(run) : lock.runKeyed(key, run);
  };
  return new Proxy(model, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !WRITES.has(property) || typeof value !== 'function') return value;
      const write = value as (...a: unknown[]) => any;
      if (QUERY_WRITES.has(property)) {
        // Queries are lazy and chainable (.lean(), .select()...): keep the Query and run its exec under the lock.
        return (...args: unknown[]) => {
          const query = write.apply(receiver, args);
          const exec = query.exec.bind(query);
          query.exec = (...execArgs: unknown[]) => underLock(property, args[0], () => exec(...execArgs));
          return query;
        };
      }
      // create/insertMany/bulkWrite start at once, so they are only called once the lock is ours.
      return (...args: unknown[]) => underLock(property, args[0], () => Promise.resolve(write.apply(receiver, args)));
    },
  });
}

/**
 * The one document a write touches, when its first argument names it by a
 * plain `_id`: such writes only wait for writes of the same document. Any
 * other write (many documents, an operator on `_id`) waits for all.
 */
export function documentKey(operation: string, first: unknown): string | undefined {
  if (operation === 'updateMany' || operation === 'deleteMany' || operation === 'insertMany' || operation === 'bulkWrite') return undefined;
  if (!first || typeof first !== 'object' || Array.isArray(first)) return undefined;
  const id = (first as { _id?: unknown })._id;
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  if (id && typeof id === 'object' && typeof (id as { toHexString?: unknown }).toHexString === 'function') return (id as { toHexString(): string }).toHexString();
  return undefined;
}
