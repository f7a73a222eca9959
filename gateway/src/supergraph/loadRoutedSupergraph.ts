import type { Logger } from '@profile-graph/core';
import { readSupergraph, withSubgraphUrls, type Supergraph } from './readSupergraph';
import { subgraphUrlKey, subgraphUrlVariable } from './subgraphUrlVariable';

/**
 * Reads the supergraph file and points its subgraphs at the configured URL
 * overrides (SUBGRAPH_<NAME>_URL). Throws SupergraphError naming the file when
 * it cannot be read or is not a Federation 2 supergraph.
 */
export function loadRoutedSupergraph(path: string, subgraphUrls: Record<string, string>, logger: Logger): Supergraph {
  const supergraph = readSupergraph(path);
  const overrides: Record<string, string> = {};
  for (const subgraph of supergraph.subgraphs) {
    const url = subgraphUrls[subgraphUrlKey(subgraph.name)];
    if (url !== undefined) overrides[subgraph.name] = url;
  }
  const known = new Set(supergraph.subgraphs.map((s) => subgraphUrlKey(s.name)));
  for (const key of Object.keys(subgraphUrls)) {
    if (!known.has(key)) logger.warn({ variable: `SUBGRAPH_${key}_URL` }, 'subgraph URL override matches no subgraph in the supergraph; ignored');
  }
  const routed = withSubgraphUrls(supergraph, overrides);
  logger.info({ subgraphs: routed.subgraphs.map((s) => ({ name: s.name, url: s.url, override: subgraphUrlVariable(s.name) })) }, 'supergraph read');
  return routed;
}
