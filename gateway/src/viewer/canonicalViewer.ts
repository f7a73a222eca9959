import type { Viewer } from '@profile-graph/core';

const memo = new WeakMap<Viewer, string>();

/**
 * The viewer serialized canonically (keys sorted at every depth), computed
 * once per viewer object: a request's viewer is one object for all its
 * subgraph fetches, and both the token reuse and the de-duplication key on it.
 * Viewers are not mutated once built (useAuthentication makes a new one).
 */
export function canonicalViewer(viewer: Viewer): string {
  let text = memo.get(viewer);
  if (text === undefined) memo.set(viewer, (text = canonicalJson(viewer)));
  return text;
}

/** JSON with object keys sorted at every depth (array order kept), so equal viewers give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );
}
