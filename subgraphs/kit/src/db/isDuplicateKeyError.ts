/** MongoDB's (and FerretDB's) code for a write that broke a unique index. */
export const DUPLICATE_KEY = 11000;

/**
 * FerretDB 1.x on SQLite reports a unique violation in an update as an
 * InternalError whose message names SQLite's constraint, not as 11000.
 */
const DUPLICATE_MESSAGE = /UNIQUE constraint failed|E11000/;

/** True when a write failed only because a document with that unique key exists already. */
export function isDuplicateKeyError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === DUPLICATE_KEY || DUPLICATE_MESSAGE.test(String(message ?? ''));
}

/**
 * Which of `indexes` (their names or key fields) a duplicate-key error broke:
 * the first one its message names, null when the error is not a duplicate key
 * or names none of them.
 */
export function duplicateKeyIndexOf<I extends string>(error: unknown, indexes: readonly I[]): I | null {
  if (!isDuplicateKeyError(error)) return null;
  const message = String((error as { message?: unknown }).message ?? '');
  return indexes.find((index) => message.includes(index)) ?? null;
}
