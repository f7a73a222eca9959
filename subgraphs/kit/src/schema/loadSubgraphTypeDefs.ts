import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';

/** The repository's `schema/` folder, found from here so it works from src/ and dist/ alike. */
export function schemaDir(from = __dirname): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'schema');
    if (existsSync(join(candidate, 'shared.graphql'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`schema/ folder not found above ${from}`);
    dir = parent;
  }
}

/**
 * A subgraph's SDL: `schema/<name>.graphql` plus the shared definitions
 * (`schema/shared.graphql`) every subgraph declares identically. The compose
 * script reads the same two files, so runtime and supergraph never differ.
 */
export function readSubgraphSdl(name: string, dir = schemaDir()): string {
  const own = readFileSync(join(dir, `${name}.graphql`), 'utf8');
  const shared = readFileSync(join(dir, 'shared.graphql'), 'utf8');
  return `${own}\n${shared}`;
}

export function loadSubgraphTypeDefs(name: string, dir?: string): DocumentNode {
  return parse(readSubgraphSdl(name, dir));
}
