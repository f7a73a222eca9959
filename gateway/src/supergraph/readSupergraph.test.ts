import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parseSupergraph, printSupergraph, readSupergraph, withSubgraphUrls, SupergraphError } from './readSupergraph';
import { subgraphUrlVariable } from './subgraphUrlVariable';

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const { supergraphSdl } = composeServices([
  { name: 'identity', url: 'http://identity:4001/graphql', typeDefs: parse(`${link} type User @key(fields: "id") { id: ID! } type Query { me: User }`) },
  { name: 'user-profile', url: 'http://profile:4002/graphql', typeDefs: parse(`${link} type User @key(fields: "id") { id: ID! bio: String }`) },
]);

describe('readSupergraph', () => {
  it('lists subgraphs with their names and URLs', () => {
    expect(parseSupergraph(supergraphSdl!).subgraphs).toEqual([
      { graph: 'IDENTITY', name: 'identity', url: 'http://identity:4001/graphql' },
      { graph: 'USER_PROFILE', name: 'user-profile', url: 'http://profile:4002/graphql' },
    ]);
  });

  it('overrides URLs inside the supergraph itself', () => {
    const routed = withSubgraphUrls(parseSupergraph(supergraphSdl!), { 'user-profile': 'http://127.0.0.1:9999/graphql' });
    expect(routed.subgraphs[1]!.url).toBe('http://127.0.0.1:9999/graphql');
    const printed = printSupergraph(routed);
    expect(printed).toContain('@join__graph(name: "user-profile", url: "http://127.0.0.1:9999/graphql")');
    expect(printed).toContain('@join__graph(name: "identity", url: "http://identity:4001/graphql")');
  });

  it('names the override variable after the subgraph', () => {
    expect(subgraphUrlVariable('identity')).toBe('SUBGRAPH_IDENTITY_URL');
    expect(subgraphUrlVariable('user-profile')).toBe('SUBGRAPH_USER_PROFILE_URL');
  });

  it('rejects what is not a supergraph, naming the file', () => {
    expect(() => parseSupergraph('type Query { a: String }', 'x.graphql')).toThrow(/x\.graphql is not a Federation 2 supergraph/);
    expect(() => parseSupergraph('type Query {', 'x.graphql')).toThrow(/x\.graphql is not valid GraphQL SDL/);
    expect(() => readSupergraph('/no/such/supergraph.graphql')).toThrow(SupergraphError);
    expect(() => readSupergraph('/no/such/supergraph.graphql')).toThrow(/cannot read the supergraph at \/no\/such\/supergraph\.graphql: ENOENT/);
  });
});
