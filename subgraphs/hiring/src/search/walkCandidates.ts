import type { Model } from 'mongoose';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { candidateMatcher, isEmptyFilter, type ParsedCandidateFilter } from './candidateFilter';

/** Profiles read per step of the walk; the first step usually fills a page. */
const STEP = 100;
/** Past this many profiles read, a sparse filter is cheaper as one query (the caller falls back). */
export const WALK_BUDGET = 1_000;

/**
 * A page of the candidate search read by walking the consenting subjects in
 * id order and loading their profiles by _id, for a database that answers
 * `_id` equality from an index but scans for `$in` (FerretDB 1.x; see the kit's
 * batchLookupOf). The same page as candidateQuery would give: ids ascending,
 * after `afterId`, `limit` at most. Null when the filter is so sparse that
 * WALK_BUDGET profiles did not fill the page: then one query is cheaper.
 */
export async function walkCandidates(
  profiles: Model<any>,
  subjects: string[],
  filter: ParsedCandidateFilter,
  afterId: string | null,
  limit: number,
): Promise<HiringProfileDoc[] | null> {
  const matches = candidateMatcher(filter);
  const unfiltered = isEmptyFilter(filter);
  // Plain code-unit order, which is MongoDB's order for the ASCII ids we issue.
  const ordered = [...new Set(subjects)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let next = afterId === null ? 0 : ordered.findIndex((id) => id > afterId);
  if (next < 0) return [];
  const page: HiringProfileDoc[] = [];
  let read = 0;
  while (page.length < limit && next < ordered.length) {
    if (read >= WALK_BUDGET) return null;
    // Without a filter every profile read is a match: read just what the page still needs.
    const step = ordered.slice(next, next + (unfiltered ? limit - page.length : STEP));
    next += step.length;
    read += step.length;
    const docs = await Promise.all(step.map((id) => profiles.findOne({ _id: id }).lean<HiringProfileDoc>()));
    for (const doc of docs) if (doc && matches(doc)) page.push(doc);
  }
  return page.slice(0, limit);
}
