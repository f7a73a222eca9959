// Composes the workload's supergraph at run time with @apollo/composition, so
// the subgraph URLs are this run's ports and no composed file can drift from
// subgraphSchemas.mjs.
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPHS } from './subgraphSchemas.mjs';

/** @param {Record<string, string>} urls subgraph name -> GraphQL URL @returns {string} the supergraph SDL */
export function composeWorkloadSupergraph(urls) {
  const result = composeServices(Object.entries(SUBGRAPHS).map(([name, { typeDefs }]) => ({ name, url: urls[name], typeDefs: parse(typeDefs) })));
  if (result.errors?.length) throw new Error(`the gateway workload does not compose: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}
