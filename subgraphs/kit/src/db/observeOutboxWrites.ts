import type { Model } from 'mongoose';
import { QUERY_WRITES, documentKey } from './serializeWrites';

/** True when a write's document or update queues outbox events. */
function queuesEvents(operation: string, args: unknown[]): boolean {
  const payload = operation === 'create' ? args[0] : args[1];
  if (!payload || typeof payload !== 'object') return false;
  const record = payload as Record<string, any>;
  return Array.isArray(record._outbox) ? record._outbox.length > 0 : record.$push?._outbox !== undefined;
}

/** The id of the one document a finished write touched, when it is known. */
function writtenId(operation: string, args: unknown[], result: unknown): string | undefined {
  if (operation === 'create') {
    const id = (result as { _id?: unknown } | null)?._id;
    return id === undefined || id === null || Array.isArray(result) ? undefined : String(id);
  }
  return documentKey(operation, args[0]);
}

/**
 * The same model, calling `onQueued(id)` after each write that queued outbox
 * events on one known document, so the relay can publish them by _id at once
 * instead of scanning the collection for pending outboxes.
 */
export function observeOutboxWrites<M extends Model<any>>(model: M, onQueued: (id: string) => void): M {
  const report = (operation: string, args: unknown[], result: unknown) => {
    if (!queuesEvents(operation, args)) return;
    const id = writtenId(operation, args, result);
    if (id !== undefined) onQueued(id);
  };
  return new Proxy(model, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const write = value as (...a: unknown[]) => any;
      if (QUERY_WRITES.has(property)) {
        return (...args: unknown[]) => {
          const query = write.apply(receiver, args);
          const exec = query.exec.bind(query);
          query.exec = async (...execArgs: unknown[]) => {
            const result = await exec(...execArgs);
            report(property, args, result);
            return result;
          };
          return query;
        };
      }
      if (property === 'create') {
        return async (...args: unknown[]) => {
          const result = await write.apply(receiver, args);
          report(property, args, result);
          return result;
        };
      }
      return value;
    },
  });
}
