// Starts the S5 baseline beside the graph, on the same subgraphs.
import fs from 'node:fs';
import path from 'node:path';
import { root, scriptLib } from './repoRequire.mjs';
import { GATEWAY_NODE_OPTIONS, startTimed } from './startGraph.mjs';
import { stripSecurityDirectives } from './stripSecurityDirectives.mjs';

const { getFreePort } = scriptLib('services.js');

/** @param {{ group: any, tmpDir: string, subgraphUrls: Record<string, string>, keys: any, onCrash: (name: string, code: number | null) => void }} options */
export async function startApolloBaseline({ group, tmpDir, subgraphUrls, keys, onCrash }) {
  const supergraphPath = path.join(tmpDir, 'supergraph.apollo-baseline.graphql');
  fs.writeFileSync(supergraphPath, stripSecurityDirectives(fs.readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8')));
  const port = await getFreePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    NODE_OPTIONS: GATEWAY_NODE_OPTIONS,
    PORT: String(port),
    SUPERGRAPH_PATH: supergraphPath,
    SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
    VIEWER_PRIVATE_KEY: keys.viewer.privateKey,
    SESSION_PUBLIC_KEY: keys.session.publicKey,
  };
  const url = `http://127.0.0.1:${port}/`;
  const probe = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) };
  const started = await startTimed(group, 'apollo-gw', [path.join(root, 'scripts', 'bench', 'lib', 'apolloBaselineServer.mjs')], env, url, onCrash, probe);
  return { url, process: started };
}
