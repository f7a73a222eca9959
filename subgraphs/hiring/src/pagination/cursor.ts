import { badInput } from '@profile-graph/kit';

/**
 * Opaque cursors: base64url JSON of the sort key of the last item. A client
 * cannot read more into them than "continue after this"; a tampered one is a
 * BAD_USER_INPUT naming `after`.
 */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<K extends Record<string, string | number>>(after: string | null | undefined, fields: Record<keyof K, 'string' | 'number'>): K | null {
  if (after === undefined || after === null || after === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw badInput('after', 'pass the endCursor of a previous page.');
  }
  if (!value || typeof value !== 'object') throw badInput('after', 'pass the endCursor of a previous page.');
  for (const [field, type] of Object.entries(fields)) {
    if (typeof (value as Record<string, unknown>)[field] !== type) throw badInput('after', 'pass the endCursor of a previous page.');
  }
  return value as K;
}

/** `first`, capped at `max` (a larger ask gets a full page, as documented); below 1 is an error naming it. */
export function pageSize(first: number | null | undefined, fallback: number, max: number): number {
  if (first === undefined || first === null) return fallback;
  if (!Number.isInteger(first) || first < 1) throw badInput('first', `ask for 1 to ${max} items.`);
  return Math.min(first, max);
}

/** Newest first by a date, then by id descending: a total order, so pages neither skip nor repeat. */
export function newestFirstAfter(cursor: { t: number; id: string } | null, dateField: string): Record<string, unknown> {
  if (!cursor) return {};
  const at = new Date(cursor.t);
  return { $or: [{ [dateField]: { $lt: at } }, { [dateField]: at, _id: { $lt: cursor.id } }] };
}

/** Takes one more than the page to learn whether there is a next page. */
export function toConnection<T>(docs: T[], size: number, cursorOf: (doc: T) => string) {
  const nodes = docs.slice(0, size);
  const hasNextPage = docs.length > size;
  return { nodes, pageInfo: { hasNextPage, endCursor: hasNextPage && nodes.length ? cursorOf(nodes[nodes.length - 1]!) : null } };
}
