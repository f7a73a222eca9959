import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

/** Composes subgraphs as `npm run compose` would and writes the supergraph to a temp file. */
export function composeSupergraph(subgraphs: { name: string; typeDefs: string; url: string }[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs), url: s.url })));
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  const file = join(mkdtempSync(join(tmpdir(), 'gateway-test-')), 'supergraph.graphql');
  writeFileSync(file, result.supergraphSdl);
  return file;
}
