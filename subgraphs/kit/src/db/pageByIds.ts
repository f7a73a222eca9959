import type { Model } from 'mongoose';
import { storageOf } from './storage';

/** Documents read per step of a walk; the first step usually fills a page. */
const WALK_STEP = 100;
/** Past this many documents read, a sparse filter is cheaper as one query: the walk gives up. */
export const WALK_BUDGET = 1_000;

export interface PageByIdsOptions<T> {
  /** The documents that may be on the page, by `_id` (any order, repeats allowed). */
  ids: readonly string[];
  /** The last `_id` of the previous page, or null for the first. */
  after: string | null;
  limit: number;
  /** Further conditions as a query (a superset of `matches` is fine: the page is narrowed by it). */
  where?: Record<string, unknown>;
  /** The conditions as a predicate over a document; omitted, every document matches. */
  matches?: (doc: T) => boolean;
}

/**
 * One page of the documents among `ids`, in `_id` order after `after`, that
 * match: what `find({_id: {$in: ids, $gt: after}, ...where}).sort({_id: 1})`
 * gives, read the way the storage answers fastest. Where `$in` is indexed,
 * that query. Where it is not (FerretDB 1.x scans the collection for it), the
 * ids are walked in order and read by `_id` equality, which is indexed; a
 * filter so sparse that WALK_BUDGET documents did not fill the page falls back
 * to the query.
 */
export async function pageByIds<T extends { _id: string }>(model: Model<any>, options: PageByIdsOptions<T>): Promise<T[]> {
  if (!storageOf(model.db).indexedIn) {
    const walked = await walkByIds(model, options);
    if (walked) return walked;
  }
  return queryByIds(model, options);
}

/** The walk by `_id` equality; null once WALK_BUDGET documents were read without filling the page. */
export async function walkByIds<T extends { _id: string }>(model: Model<any>, { ids, after, limit, matches }: PageByIdsOptions<T>): Promise<T[] | null> {
  // Plain code-unit order, which is MongoDB's order for the ASCII ids we issue.
  const ordered = [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let next = after === null ? 0 : ordered.findIndex((id) => id > after);
  if (next < 0) return [];
  const page: T[] = [];
  let read = 0;
  while (page.length < limit && next < ordered.length) {
    if (read >= WALK_BUDGET) return null;
    // Without a filter every document read is a match: read just what the page still needs.
    const step = ordered.slice(next, next + (matches ? WALK_STEP : limit - page.length));
    next += step.length;
    read += step.length;
    const docs = await Promise.all(step.map((id) => model.findOne({ _id: id }).lean<T>()));
    for (const doc of docs) if (doc && (!matches || matches(doc))) page.push(doc);
  }
  return page.slice(0, limit);
}

/** One query per step, narrowed by `matches`: steps again only when it dropped some of a full step. */
export async function queryByIds<T extends { _id: string }>(model: Model<any>, { ids, after, limit, where = {}, matches }: PageByIdsOptions<T>): Promise<T[]> {
  const page: T[] = [];
  let cursor = after;
  while (page.length < limit) {
    const docs = await model
      .find({ ...where, _id: cursor === null ? { $in: ids } : { $in: ids, $gt: cursor } })
      .sort({ _id: 1 })
      .limit(limit)
      // One round trip for the whole page, not a first batch of 101 and a getMore.
      .batchSize(limit + 1)
      .lean<T[]>();
    page.push(...(matches ? docs.filter(matches) : docs));
    if (docs.length < limit) break;
    cursor = docs[docs.length - 1]!._id;
  }
  return page.slice(0, limit);
}
