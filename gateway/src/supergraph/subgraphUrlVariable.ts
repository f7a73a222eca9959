/**
 * The environment variable that overrides one subgraph's URL, e.g.
 * `identity` -> `SUBGRAPH_IDENTITY_URL`. Characters a variable name cannot
 * hold become `_`, so names like `user-profile` still have an override.
 */
export function subgraphUrlVariable(subgraphName: string): string {
  return `SUBGRAPH_${subgraphUrlKey(subgraphName)}_URL`;
}

/** The `<NAME>` part of the variable; the key under which config keeps overrides. */
export function subgraphUrlKey(subgraphName: string): string {
  return subgraphName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export const SUBGRAPH_URL_VARIABLE = /^SUBGRAPH_([A-Z0-9_]+)_URL$/;
