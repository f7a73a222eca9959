import type { Model, QueryFilter, UpdateQuery } from 'mongoose';

/**
 * One conditional update that answers with the document as written (a plain
 * object), or null when nothing matched. The `lean` option rather than
 * `.lean()`: the kit's serialized model (on storages without atomic updates)
 * returns a promise from its writes, not a Query to chain on.
 */
export async function updateAndRead<TRaw>(
  model: Model<TRaw, any, any, any, any, any>,
  filter: QueryFilter<TRaw>,
  update: UpdateQuery<TRaw>,
  options: { upsert?: boolean } = {},
): Promise<TRaw | null> {
  return (await model.findOneAndUpdate(filter, update, { ...options, returnDocument: 'after', lean: true })) as TRaw | null;
}
