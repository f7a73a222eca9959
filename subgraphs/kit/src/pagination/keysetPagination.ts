import { badInput } from '@profile-graph/core';

/**
 * Keyset pagination, the one way every list of the API pages: a page is the
 * items after the cursor in a total order (sort key + id), so pages neither
 * skip nor repeat while items arrive, and `first` follows one rule.
 *
 * Cursors are opaque: base64url JSON of the sort key of the last item. A
 * client cannot read more into them than "continue after this"; a tampered
 * one is a BAD_USER_INPUT naming `after`.
 */
export type CursorKey = Record<string, string | number>;

const NOT_A_CURSOR = 'pass pageInfo.endCursor of a previous page, exactly as it was returned.';

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key in `after` (null when absent), each of `fields` of the type given; anything else is refused. */
export function decodeCursor<K extends CursorKey>(after: string | null | undefined, fields: Record<keyof K, 'string' | 'number'>): K | null {
  if (after === undefined || after === null || after === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw badInput('after', NOT_A_CURSOR);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput('after', NOT_A_CURSOR);
  for (const [field, type] of Object.entries(fields)) {
    if (typeof (value as Record<string, unknown>)[field] !== type) throw badInput('after', NOT_A_CURSOR);
  }
  return value as K;
}

export interface PageSizeRule {
  /** When `first` is null (the SDL's default fills it in otherwise). */
  fallback: number;
  max: number;
  /** Above `max`: `cap` gives a full page (lists whose SDL says "`first` is capped"), `refuse` is a BAD_USER_INPUT. */
  overMax: 'cap' | 'refuse';
}

/** `first` under `rule`; below 1 (or not an integer) is a BAD_USER_INPUT naming it. */
export function pageSize(first: number | null | undefined, rule: PageSizeRule): number {
  const size = first ?? rule.fallback;
  if (!Number.isInteger(size) || size < 1 || (size > rule.max && rule.overMax === 'refuse')) throw badInput('first', `use 1 to ${rule.max}.`);
  return Math.min(size, rule.max);
}

/** The cursor key of a newest-first list: the date (ms) and the id. */
export interface NewestFirstKey extends CursorKey {
  t: number;
  id: string;
}

export const newestFirstCursor = (at: Date, id: string): string => encodeCursor({ t: at.getTime(), id } satisfies NewestFirstKey);

export const decodeNewestFirstCursor = (after: string | null | undefined): NewestFirstKey | null => decodeCursor<NewestFirstKey>(after, { t: 'number', id: 'string' });

/** Newest first by a date, then by id descending: the filter for the items after `cursor` (sort by { [dateField]: -1, _id: -1 }). */
export function newestFirstAfter(cursor: NewestFirstKey | null, dateField: string): Record<string, unknown> {
  if (!cursor) return {};
  const at = new Date(cursor.t);
  return { $or: [{ [dateField]: { $lt: at } }, { [dateField]: at, _id: { $lt: cursor.id } }] };
}

/** PageInfo of schema/shared.graphql. */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface KeysetConnection<T> {
  /** For connections with `nodes`. */
  nodes: T[];
  /** For connections with `edges` (Relay style). */
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export interface ConnectionOptions {
  /**
   * Whether the last page carries the cursor of its last item (the default,
   * as Relay does) or null (the lists whose SDL says "null on the last page").
   */
  endCursorOnLastPage?: boolean;
}

/** A page from `docs`, read with a limit of size + 1: the extra one only tells whether there is a next page. */
export function toConnection<T>(docs: T[], size: number, cursorOf: (doc: T) => string, options: ConnectionOptions = {}): KeysetConnection<T> {
  const nodes = docs.slice(0, size);
  const hasNextPage = docs.length > size;
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  const last = edges.at(-1)?.cursor ?? null;
  const endCursor = hasNextPage || options.endCursorOnLastPage !== false ? last : null;
  return { nodes, edges, pageInfo: { hasNextPage, endCursor } };
}
