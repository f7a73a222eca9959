/** A response's keys without its values: objects keep their own keys, lists their first element, everything else is a leaf. */
export function skeleton(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) return value.length ? skeleton(value[0]) : null;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    Object.defineProperty(out, key, { value: skeleton((value as Record<string, unknown>)[key]), enumerable: true });
  }
  return out;
}

/**
 * Where two skeletons differ in the keys they hold, or undefined. A leaf
 * (null, scalar, empty list) on either side matches anything: data may
 * differ between two reads, the keys the operation asked for may not.
 */
export function keyDifference(ours: unknown, theirs: unknown, path = 'data'): string | undefined {
  if (ours === null || theirs === null || typeof ours !== 'object' || typeof theirs !== 'object') return undefined;
  const a = Object.keys(ours as object);
  const b = Object.keys(theirs as object);
  if (a.join('\u0000') !== b.join('\u0000')) return `${path}: keys [${a.join(', ')}] here, [${b.join(', ')}] from @apollo/gateway`;
  for (const key of a) {
    const found = keyDifference((ours as Record<string, unknown>)[key], (theirs as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/** Why a response is not shaped as GraphQL over HTTP requires, or undefined. */
export function shapeProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const keys = Object.keys(body);
  const extra = keys.filter((key) => !['data', 'errors', 'extensions'].includes(key));
  if (extra.length) return `unexpected top-level keys: ${extra.join(', ')}`;
  if (!keys.includes('data') && !keys.includes('errors')) return 'neither data nor errors';
  const errors = (body as { errors?: unknown }).errors;
  if (errors !== undefined && (!Array.isArray(errors) || errors.length === 0 || errors.some((e) => typeof (e as { message?: unknown })?.message !== 'string'))) {
    return 'errors is not a non-empty list of errors with messages';
  }
  return undefined;
}
