import type { Viewer } from '../viewer/viewer';

/** What `@authenticated` and `@requiresScopes` demand of one field. */
export interface FieldRequirement {
  authenticated: boolean;
  /** Outer list OR, inner list AND; undefined when the field names no scopes. */
  scopes?: string[][];
}

/** Anyone but the anonymous viewer has authenticated. */
export const isAuthenticated = (viewer: Viewer): boolean => viewer.kind !== 'anonymous';

/**
 * The one decision both the gateway (before planning) and each subgraph
 * (before the resolver) make, so the two layers cannot disagree.
 * `@requiresScopes` implies `@authenticated`.
 */
export function authorizeField(viewer: Viewer, requirement: FieldRequirement): boolean {
  if ((requirement.authenticated || requirement.scopes) && !isAuthenticated(viewer)) return false;
  if (!requirement.scopes) return true;
  const held = new Set(viewer.scopes);
  return requirement.scopes.some((all) => all.every((scope) => held.has(scope)));
}
