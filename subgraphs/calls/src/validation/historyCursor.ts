import { badInput } from '@profile-graph/kit';

/** Opaque position in a user's call history, newest first: (startedAt, id) of the last call seen. */
export function encodeHistoryCursor(startedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([startedAt.toISOString(), id])).toString('base64url');
}

export function decodeHistoryCursor(cursor: string): { startedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const startedAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && id && !Number.isNaN(startedAt.getTime())) return { startedAt, id };
  } catch {
    // fall through to the one message below
  }
  throw badInput('after', 'is not a callHistory cursor; pass pageInfo.endCursor exactly as it was returned.');
}

export const MAX_PAGE = 50;

export function pageSize(first: number | null | undefined, fallback = 20, max = MAX_PAGE): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) throw badInput('first', `use 1 to ${max}.`);
  return size;
}
