/** MongoDB's (and FerretDB's) code for a write that broke a unique index. */
export const DUPLICATE_KEY = 11000;

/** True when a write failed only because a document with that unique key exists already. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}
