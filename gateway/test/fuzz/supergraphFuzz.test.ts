import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { Supergraph } from '@apollo/federation-internals';
import fc from 'fast-check';
import { anonymousViewer, createViewerSigner, VIEWER_HEADER, type Viewer } from '@profile-graph/core';
import { startGraph, type TestGraph } from '../support/startGraph';
import { generateOperation, type Choices, type GeneratedOperation } from './generateOperation';
import { keyDifference, shapeProblem, skeleton } from './responseShape';

// The graph fuzzed with its own schema: operations generated from schema/supergraph.graphql, sent as
// anonymous, user and partner viewers through the real gateway to the four real subgraphs (real NATS,
// real MongoDB-wire server). A run is replayed by its seed: FUZZ_SEED=<n> (printed below); FUZZ_RUNS=<n>
// for a longer run (npm test runs the default; `FUZZ_RUNS=10000 npx jest -c gateway/jest.config.js gateway/test/fuzz`).
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
/** Every Nth operation that our gateway answered with data is also sent to a bare @apollo/gateway over the same subgraphs. */
const COMPARE_EVERY = 3;

const SUPERGRAPH = join(__dirname, '../../../schema/supergraph.graphql');
// supportedFeatures: null: the API schema is all this needs; the security features are ours to enforce, not this builder's.
const schema = Supergraph.build(readFileSync(SUPERGRAPH, 'utf8'), { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
const DESTRUCTIVE = new Set([
  'deleteMyAccount', 'signOut', 'revokeApiKey', 'rotateApiKey', 'removeOrganizationMember', 'changeOrganizationMemberRole',
  'updateProfile', 'deleteHiringProfile', 'submitIdentityVerification', 'withdrawConsent',
]);

type ViewerKind = 'anonymous' | 'user' | 'partner';
interface Reply {
  status: number;
  body: unknown;
}

let graph: TestGraph;
let apolloUrl: string;
let stopApollo: () => Promise<void>;
const fixtures = { user: { id: '', token: '' }, other: { id: '' }, partnerKey: '', orgId: '' };

async function send(url: string, op: GeneratedOperation, headers: Record<string, string>): Promise<Reply> {
  const body = JSON.stringify({ query: op.query, variables: op.variables, ...(op.operationName ? { operationName: op.operationName } : {}) });
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers }, body });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

const headersFor = (kind: ViewerKind): Record<string, string> =>
  kind === 'user' ? { authorization: `Bearer ${fixtures.user.token}` } : kind === 'partner' ? { 'x-api-key': fixtures.partnerKey } : {};

/** A bare @apollo/gateway over the same subgraphs: it signs the viewer the fuzz test names, nothing else. */
async function startApolloGateway(): Promise<{ url: string; stop: () => Promise<void> }> {
  const sign = await createViewerSigner(graph.env.viewerKeys.privateKey);
  const urls = graph.subgraphUrls as Record<string, string>;
  const gateway = new ApolloGateway({
    // @apollo/gateway refuses `for: SECURITY` features it does not implement; it would ignore
    // @authenticated/@requiresScopes anyway (the subgraphs enforce them too), so they are linked as plain features.
    supergraphSdl: readFileSync(SUPERGRAPH, 'utf8').replace(/, for: SECURITY/g, ''),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url: urls[name] ?? url,
        willSendRequest: async ({ request, context }) => {
          request.http?.headers.set(VIEWER_HEADER, await sign((context as { viewer?: Viewer }).viewer ?? anonymousViewer, name));
        },
      }),
  });
  const server = new ApolloServer({ gateway, introspection: false, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ viewer: req.headers['authorization'] ? ({ kind: 'user', userId: fixtures.user.id, scopes: [] } satisfies Viewer) : anonymousViewer }),
  });
  return { url, stop: () => server.stop() };
}

function choicesFrom(g: fc.GeneratorValue): Choices {
  return {
    int: (min, max) => g(fc.integer, { min, max }),
    chance: (probability) => g(fc.integer, { min: 0, max: 999 }) < probability * 1000,
    pick: (items) => items[g(fc.integer, { min: 0, max: items.length - 1 })]!,
  };
}

const codesOf = (body: unknown) => ((body as { errors?: { extensions?: { code?: string } }[] })?.errors ?? []).map((e) => e.extensions?.code);
const describeOp = (op: GeneratedOperation, kind: ViewerKind) => `as ${kind}: ${op.query}\nvariables: ${JSON.stringify(op.variables)}`;

describe('fuzzing the graph with its own supergraph', () => {
  beforeAll(async () => {
    graph = await startGraph();
    const user = await graph.signUp('fuzz_user');
    fixtures.user = { id: user.id, token: user.token };
    fixtures.other.id = (await graph.signUp('fuzz_other')).id;
    await graph.query('mutation { createHiringProfile(input: { headline: "Fuzz tester", skills: ["typescript"] }) { userId } }', {}, user.token);
    await graph.query('mutation { grantConsent(input: { purpose: EMPLOYER_SHARING, policyVersion: "2026-01" }) { status } }', {}, user.token);
    const org = await graph.query('mutation { createOrganization(input: { name: "Fuzz Co" }) { id } }', {}, user.token);
    fixtures.orgId = org.body.data.createOrganization.id;
    await graph.query('mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: fixtures.orgId }, undefined, { 'x-operator-token': graph.operatorToken });
    const key = await graph.query(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { organizationId: fixtures.orgId, name: 'fuzz', scopes: ['JOBS_READ', 'JOBS_WRITE', 'APPLICATIONS_READ', 'CANDIDATES_SEARCH'] } },
      user.token,
    );
    fixtures.partnerKey = key.body.data.createApiKey.secret;
    ({ url: apolloUrl, stop: stopApollo } = await startApolloGateway());
  }, 120_000);

  afterAll(async () => {
    await stopApollo?.();
    await graph?.stop();
  });

  it(`answers ${RUNS} generated operations without a fault (seed ${SEED})`, async () => {
    process.stdout.write(`fuzz: seed ${SEED}, ${RUNS} operations (replay with FUZZ_SEED=${SEED}; FUZZ_RUNS for more)\n`);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
    const uncaught = jest.fn();
    process.on('uncaughtException', uncaught);
    process.on('unhandledRejection', uncaught);
    const stats = { statuses: {} as Record<number, number>, withData: 0, compared: 0, reservedAliases: 0, reservedKeys: 0, byViewer: { anonymous: 0, user: 0, partner: 0 } };
    const context = { handles: ['fuzz_user', 'fuzz_other', 'nobody_here'], ids: [fixtures.user.id, fixtures.other.id, fixtures.orgId, '00000000-0000-0000-0000-000000000000'], destructiveMutations: DESTRUCTIVE };
    try {
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const c = choicesFrom(g);
          const kind = c.pick(['anonymous', 'user', 'partner'] as const);
          const op = generateOperation(schema, c, context, { allowMutations: true, signedIn: kind !== 'anonymous' });
          const reply = await send(graph.gatewayUrl, op, headersFor(kind));
          const where = describeOp(op, kind);
          stats.statuses[reply.status] = (stats.statuses[reply.status] ?? 0) + 1;
          stats.byViewer[kind] += 1;

          if (reply.status >= 500) throw new Error(`HTTP ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}\n${where}`);
          const problem = shapeProblem(reply.body);
          if (problem) throw new Error(`${problem}: ${JSON.stringify(reply.body).slice(0, 300)}\n${where}`);
          if (codesOf(reply.body).includes('INTERNAL_SERVER_ERROR')) throw new Error(`INTERNAL_SERVER_ERROR: ${JSON.stringify(reply.body).slice(0, 300)}\n${where}`);
          if (op.reservedVariableKey) {
            stats.reservedKeys += 1;
            if (reply.status !== 400 || !codesOf(reply.body).includes('BAD_USER_INPUT')) throw new Error(`a reserved JSON key was not refused: ${reply.status}\n${where}`);
            return;
          }
          if (op.reservedAlias) {
            stats.reservedAliases += 1;
            if (reply.status !== 400 || !JSON.stringify(reply.body).includes('is reserved')) throw new Error(`a reserved alias was not refused: ${reply.status}\n${where}`);
            return;
          }
          const data = (reply.body as { data?: unknown }).data;
          if (reply.status !== 200 || data === null || data === undefined) return;
          stats.withData += 1;
          if (kind === 'partner' || stats.withData % COMPARE_EVERY !== 0 || op.query.startsWith('mutation')) return;
          const baseline = await send(apolloUrl, op, kind === 'user' ? { authorization: 'Bearer x' } : {});
          const theirs = (baseline.body as { data?: unknown } | undefined)?.data;
          if (baseline.status !== 200 || theirs === null || theirs === undefined) return;
          stats.compared += 1;
          const difference = keyDifference(skeleton(data), skeleton(theirs));
          if (difference) throw new Error(`${difference}\n${where}\nhere: ${JSON.stringify(data).slice(0, 600)}\n@apollo/gateway: ${JSON.stringify(theirs).slice(0, 600)}`);
        }),
        // Unbiased: fast-check leans toward edge values by default, which would turn every rare choice into a common one.
        { seed: SEED, numRuns: RUNS, endOnFailure: true, plugins: [fc.unbiased()] },
      );
    } finally {
      process.off('uncaughtException', uncaught);
      process.off('unhandledRejection', uncaught);
      process.stdout.write(`fuzz: ${JSON.stringify(stats)}\n`);
    }
    expect(uncaught).not.toHaveBeenCalled();
    // The gateway runs in this process: nothing sent reached the shared prototype, and it still answers.
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(prototypeKeys);
    const after = await graph.query('{ userByHandle(handle: "fuzz_user") { handle } }');
    expect(after.body.data).toEqual({ userByHandle: { handle: 'fuzz_user' } });
    // The generator reached real data and the comparison actually ran.
    expect(stats.withData).toBeGreaterThan(RUNS / 10);
    expect(stats.compared).toBeGreaterThan(RUNS / 50);
    expect(stats.reservedAliases + stats.reservedKeys).toBeGreaterThan(0);
  }, 60_000 + RUNS * 200);
});
