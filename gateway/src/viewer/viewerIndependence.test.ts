import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { anonymousViewer, type Viewer } from '@profile-graph/core';
import { createFetchViewerOf } from './useSignedViewer';
import { ViewerIndependence } from './viewerIndependence';

const DIRECTIVES = `
  directive @viewerIndependent on FIELD_DEFINITION | OBJECT
  directive @authenticated on FIELD_DEFINITION | OBJECT
  directive @requiresConsent(purpose: String) on FIELD_DEFINITION
`;

const SUPERGRAPH = parse(`${DIRECTIVES}
  type Query {
    jobs(first: Int): JobConnection! @viewerIndependent
    job(id: ID!): Job @viewerIndependent
    me: User
    search: [SearchResult] @viewerIndependent
  }
  type Mutation { applyToJob(jobId: ID!): Job @viewerIndependent }
  type JobConnection @viewerIndependent { nodes: [Job!]! pageInfo: PageInfo! }
  type PageInfo @viewerIndependent { hasNextPage: Boolean! }
  type Job @viewerIndependent { id: ID! title: String! organization: Organization }
  type Organization { id: ID! name: String @viewerIndependent members: [User] }
  type User { id: ID! handle: String! }
  union SearchResult = Job | User
`);

const independence = ViewerIndependence.fromSupergraph(SUPERGRAPH);
const independent = (query: string, operationName?: string) => independence.isIndependentFetch(parse(query), operationName);

describe('ViewerIndependence', () => {
  it.each([
    ['a declared root field and declared types below it', '{ jobs(first: 5) { nodes { id title } pageInfo { hasNextPage } } }'],
    ['a declared field of an undeclared type', '{ job(id: "j1") { organization { name } } }'],
    ['__typename anywhere', '{ __typename job(id: "j1") { __typename id } }'],
    ['fragments, named and inline', 'query Q { job(id: "j1") { ...J ... on Job { title } } } fragment J on Job { id }'],
    ['an entity fetch of declared fields', 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Job { id title } } }'],
    ['a union member that is declared', '{ search { ... on Job { id } } }'],
  ])('counts %s as viewer-independent', (_case, query) => {
    expect(independent(query)).toBe(true);
  });

  it.each([
    ['a root field that is not declared', '{ me { id } }'],
    ['one undeclared field among declared ones', '{ job(id: "j1") { id } me { id } }'],
    ['an undeclared field below a declared one', '{ job(id: "j1") { organization { members { id } } } }'],
    ['an undeclared field of an undeclared type', '{ job(id: "j1") { organization { id } } }'],
    ['a union member that is not declared', '{ search { ... on Job { id } ... on User { handle } } }'],
    ['an entity fetch of an undeclared type', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { handle } } }'],
    ['a field the supergraph does not have', '{ job(id: "j1") { salary } }'],
    ['a leaf given a selection', '{ job(id: "j1") { title { length } } }'],
    ['an object without a selection', '{ job(id: "j1") { organization } }'],
    ['a fragment that is not in the document', '{ job(id: "j1") { ...Missing } }'],
    ['a fragment that spreads itself', '{ job(id: "j1") { ...J } } fragment J on Job { organization { ...J } }'],
    ['a mutation, even of a declared field', 'mutation { applyToJob(jobId: "j1") { id } }'],
    ['a subscription', 'subscription { job(id: "j1") { id } }'],
  ])('keeps the viewer for %s', (_case, query) => {
    expect(independent(query)).toBe(false);
  });

  it('decides per operation of a document with several', () => {
    const document = parse('query A { jobs { nodes { id } } } query B { me { id } }');
    expect(independence.isIndependentFetch(document, 'A')).toBe(true);
    expect(independence.isIndependentFetch(document, 'B')).toBe(false);
  });

  it.each([
    ['a type that also requires authentication', 'type Query { x: X @viewerIndependent } type X @viewerIndependent @authenticated { id: ID }', 'type X is declared @viewerIndependent but also carries @authenticated'],
    ['a consent-gated field', 'type Query { x: String @viewerIndependent @requiresConsent(purpose: "ADS") }', 'Query.x is declared @viewerIndependent but also carries @requiresConsent'],
    ['a consent-gated field of a declared type', 'type Query { x: X } type X @viewerIndependent { id: ID secret: String @requiresConsent(purpose: "ADS") }', 'X.secret is declared @viewerIndependent (on its type) but also carries @requiresConsent'],
  ])('refuses a supergraph that declares %s', (_case, sdl, message) => {
    expect(() => ViewerIndependence.fromSupergraph(parse(`${DIRECTIVES} ${sdl}`))).toThrow(message);
  });

  it('lists what is declared', () => {
    expect(independence.declared()).toEqual(['Job', 'JobConnection', 'Mutation.applyToJob', 'Organization.name', 'PageInfo', 'Query.job', 'Query.jobs', 'Query.search']);
  });
});

describe('ViewerIndependence over the committed supergraph', () => {
  const committed = ViewerIndependence.fromSupergraph(parse(readFileSync(join(__dirname, '../../../schema/supergraph.graphql'), 'utf8')));

  it('declares open jobs only', () => {
    expect(committed.declared()).toEqual(['Job', 'JobConnection', 'PageInfo', 'Query.job', 'Query.jobs']);
  });

  it('shares the public jobs list and a job, and nothing that names a person', () => {
    expect(committed.isIndependentFetch(parse('{ jobs(first: 5) { nodes { id title organizationName skills } pageInfo { hasNextPage endCursor } } }'))).toBe(true);
    expect(committed.isIndependentFetch(parse('{ job(id: "j1") { id status } }'))).toBe(true);
    expect(committed.isIndependentFetch(parse('{ me { id handle } }'))).toBe(false);
    expect(committed.isIndependentFetch(parse('{ jobs { nodes { id } } me { id } }'))).toBe(false);
  });
});

describe('createFetchViewerOf', () => {
  const ada: Viewer = { kind: 'user', userId: 'u-ada', scopes: [] };
  const fetch = (query: string, viewer: Viewer | undefined) => ({ document: parse(query), context: viewer ? { viewer } : {} });

  it("signs a viewer-independent fetch for the anonymous viewer and any other for the request's", () => {
    const viewerOf = createFetchViewerOf(() => independence);
    expect(viewerOf(fetch('{ jobs { nodes { id } } }', ada))).toBe(anonymousViewer);
    expect(viewerOf(fetch('{ me { id } }', ada))).toBe(ada);
    expect(viewerOf(fetch('{ me { id } }', undefined))).toBe(anonymousViewer);
  });

  it('keeps every viewer while no declarations apply (a supergraph reload in progress)', () => {
    const viewerOf = createFetchViewerOf(() => undefined);
    expect(viewerOf(fetch('{ jobs { nodes { id } } }', ada))).toBe(ada);
  });
});
