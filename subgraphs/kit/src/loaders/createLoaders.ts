import DataLoader from 'dataloader';
import type { Model } from 'mongoose';
import { storageOf } from '../db/storage';

/**
 * Per-request DataLoaders. One registry is made for each request, so batching
 * and caching never cross viewers; a loader is built the first time a
 * resolver asks for it.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(name: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = make() as DataLoader<unknown, unknown>;
      this.loaders.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }
}

/**
 * Loads documents of `model` by a unique field (default `_id`), answering in
 * the order of the keys asked for: one `$in` query per batch, or on FerretDB
 * one equality query per key sent together where `$in` is not indexed
 * (see StorageCapabilities.indexedIn).
 */
export function batchByField<T extends Record<string, unknown>>(model: Model<any>, field = '_id', projection?: Record<string, 0 | 1>) {
  return async (keys: readonly string[]): Promise<(T | null)[]> => {
    const unique = [...new Set(keys)];
    let docs: T[];
    if (!storageOf(model.db).indexedIn) {
      const found = await Promise.all(unique.map((key) => model.findOne({ [field]: key }, projection).lean()));
      docs = found.filter((doc) => doc !== null) as unknown as T[];
    } else {
      // One reply for the whole batch: the driver's default first batch (101) would add a getMore per 101 keys.
      docs = (await model.find({ [field]: { $in: unique } }, projection).batchSize(unique.length + 1).lean()) as unknown as T[];
    }
    const byKey = new Map(docs.map((doc) => [String(doc[field]), doc]));
    return keys.map((key) => byKey.get(key) ?? null);
  };
}

/**
 * Loads the documents that belong to each key (e.g. all changes of a call),
 * per batch with one `$in` query, or one equality query per key where `$in`
 * is not indexed.
 */
export function batchGroupedByField<T extends Record<string, unknown>>(
  model: Model<any>,
  field: string,
  options: { sort?: Record<string, 1 | -1>; limitPerKey?: number } = {},
) {
  const find = (filter: Record<string, unknown>, limit?: number) => {
    let query = model.find(filter);
    if (options.sort) query = query.sort(options.sort);
    if (limit !== undefined) query = query.limit(limit);
    return query.lean() as unknown as Promise<T[]>;
  };
  return async (keys: readonly string[]): Promise<T[][]> => {
    const unique = [...new Set(keys)];
    if (!storageOf(model.db).indexedIn) {
      const found = await Promise.all(unique.map((key) => find({ [field]: key }, options.limitPerKey)));
      const byKey = new Map(unique.map((key, i) => [key, found[i]!]));
      return keys.map((key) => byKey.get(key) ?? []);
    }
    const groups = new Map<string, T[]>(unique.map((key) => [key, []]));
    for (const doc of await find({ [field]: { $in: unique } })) {
      const values = Array.isArray(doc[field]) ? (doc[field] as unknown[]) : [doc[field]];
      for (const value of values) {
        const group = groups.get(String(value));
        if (group && (options.limitPerKey === undefined || group.length < options.limitPerKey)) group.push(doc);
      }
    }
    return keys.map((key) => groups.get(key) ?? []);
  };
}

/** The usual case: one document by id, batched per request and per model. */
export function loadById<T>(loaders: Loaders, model: Model<any>, id: string): Promise<T | null> {
  return loaders
    .get(`${model.modelName}:_id`, () => new DataLoader<string, Record<string, unknown> | null>(batchByField(model)))
    .load(id) as Promise<T | null>;
}

/** One document by another unique field (e.g. `userId`), batched per request. */
export function loadByField<T>(loaders: Loaders, model: Model<any>, field: string, value: string): Promise<T | null> {
  return loaders
    .get(`${model.modelName}:${field}`, () => new DataLoader<string, Record<string, unknown> | null>(batchByField(model, field)))
    .load(value) as Promise<T | null>;
}
