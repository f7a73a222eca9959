import type { Model } from 'mongoose';

const WRITES = new Set(['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'create', 'insertMany', 'bulkWrite', 'deleteOne']);

/**
 * The same model, with its writes run one at a time in this process.
 *
 * FerretDB 1.x (our dev/test MongoDB-wire server) applies an update as a read
 * then a whole-document write, so two concurrent updates of one document can
 * lose one of them: the outbox relay clearing `_outbox` could silently revert
 * a change that had already been acknowledged (a lost consent withdrawal was
 * seen in a test). Serializing the writes of a model and its relay closes that
 * window within one process. MongoDB applies each update atomically, so the
 * kit only does this on FerretDB (see OutboxRelay.track).
 */
export function serializeWrites<M extends Model<any>>(model: M): M {
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(run: () => PromiseLike<T>): Promise<T> => {
    const result = tail.then(run, run);
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
  return new Proxy(model, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !WRITES.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => exclusive(() => Promise.resolve((value as (...a: unknown[]) => PromiseLike<unknown>).apply(receiver, args)));
    },
  });
}
