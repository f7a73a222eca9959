import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import { SignJWT, importPKCS8, jwtVerify, importSPKI } from 'jose';
import { VIEWER_HEADER, createSessionSigner, createViewerVerifier, generateKeyPairPem, viewerAudience, type Viewer } from '@profile-graph/core';
import { createGateway, type Gateway } from '../../src/createGateway';
import { DEFAULT_LIMITS, type GatewayConfig } from '../../src/config/loadGatewayConfig';
import { startSubgraph, type TestSubgraph } from '../support/startSubgraph';
import { composeSupergraph } from '../support/composeSupergraph';

const viewerKeys = generateKeyPairPem();
const sessionKeys = generateKeyPairPem();
const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** Each test subgraph verifies the viewer exactly as a real subgraph does, and answers who it thinks is asking. */
async function viewerOf(subgraph: string, headers: IncomingHttpHeaders): Promise<Viewer> {
  const verify = await createViewerVerifier(viewerKeys.publicKey, subgraph);
  return verify(headers[VIEWER_HEADER] as string | undefined);
}

const accountsTypeDefs = `${FEDERATION}
  type User @key(fields: "id") { id: ID! handle: String! }
  type Query {
    user(id: ID!): User
    whoami: String
    boom: String
    denied: String
  }
  type Mutation { touch: Boolean }
`;

const profilesTypeDefs = `${FEDERATION}
  type User @key(fields: "id") { id: ID! headline: String viewerSeenByProfiles: String }
`;

async function startSubgraphs(): Promise<[TestSubgraph, TestSubgraph]> {
  const accounts = await startSubgraph('accounts', accountsTypeDefs, {
    Query: {
      user: (_: unknown, { id }: { id: string }) => ({ id, handle: `handle-${id}` }),
      whoami: async (_: unknown, __: unknown, { headers }: { headers: IncomingHttpHeaders }) => JSON.stringify(await viewerOf('accounts', headers)),
      boom: () => {
        throw new Error('database password is hunter2');
      },
      denied: () => {
        throw new GraphQLError('You are not authorized to read this field.', { extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
      },
    },
    Mutation: { touch: () => true },
    User: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, handle: `handle-${ref.id}` }) },
  });
  const profiles = await startSubgraph('profiles', profilesTypeDefs, {
    User: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id, headline: `headline of ${ref.id}` }),
      viewerSeenByProfiles: async (_: unknown, __: unknown, { headers }: { headers: IncomingHttpHeaders }) =>
        JSON.stringify(await viewerOf('profiles', headers)),
    },
  });
  return [accounts, profiles];
}

function configFor(supergraphPath: string, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    nodeEnv: 'development',
    logLevel: 'silent',
    host: '127.0.0.1',
    port: 0,
    supergraphPath,
    viewerPrivateKey: viewerKeys.privateKey,
    sessionPublicKeys: { k1: sessionKeys.publicKey },
    subgraphUrls: {},
    upstreamTimeoutMs: 5_000,
    apiKeyCacheTtlMs: 60_000,
    apiKeyLookupTimeoutMs: 2_000,
    apiKeyUsageFlushMs: 10_000,
    trustProxyHops: 0,
    corsOrigins: [],
    limits: DEFAULT_LIMITS,
    rateLimit: { capacity: 1_000, refillPerSecond: 100 },
    ...overrides,
  };
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe('gateway over two real subgraphs', () => {
  let accounts: TestSubgraph;
  let profiles: TestSubgraph;
  let gateway: Gateway;
  let url: string;
  let origin: string;
  let token: string;

  beforeAll(async () => {
    [accounts, profiles] = await startSubgraphs();
    // The supergraph points `profiles` at a dead port: only the SUBGRAPH_PROFILES_URL override reaches it.
    const supergraphPath = composeSupergraph([
      accounts,
      { ...profiles, url: 'http://127.0.0.1:9/graphql' },
    ]);
    gateway = createGateway(configFor(supergraphPath, { subgraphUrls: { PROFILES: profiles.url } }));
    const started = Date.now();
    ({ url } = await gateway.listen(0));
    expect(Date.now() - started).toBeLessThan(5_000);
    origin = new URL(url).origin;
    const signSession = await createSessionSigner(sessionKeys.privateKey, { ttlSeconds: 60, kid: 'k1' });
    ({ token } = await signSession({ userId: 'u-42', sessionId: 's-1' }));
  });

  afterAll(async () => {
    await gateway?.close();
    await accounts?.close();
    await profiles?.close();
  });

  beforeEach(() => {
    accounts.requests.length = 0;
    profiles.requests.length = 0;
  });

  it('joins data across both subgraphs', async () => {
    const { status, body } = await post(url, '{ user(id: "7") { id handle headline } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { user: { id: '7', handle: 'handle-7', headline: 'headline of 7' } } });
  });

  it('signs the authenticated user for every subgraph, with that subgraph as audience', async () => {
    const { body } = await post(url, '{ whoami user(id: "1") { viewerSeenByProfiles } }', { authorization: `Bearer ${token}` });
    expect(body.errors).toBeUndefined();
    expect(JSON.parse(body.data.whoami)).toEqual({ kind: 'user', userId: 'u-42', scopes: [], clientIp: '127.0.0.1', userAgent: 'node' });
    expect(JSON.parse(body.data.user.viewerSeenByProfiles)).toEqual({ kind: 'user', userId: 'u-42', scopes: [], clientIp: '127.0.0.1', userAgent: 'node' });

    const sent = accounts.requests[0]![VIEWER_HEADER] as string;
    const { payload } = await jwtVerify(sent, await importSPKI(viewerKeys.publicKey, 'EdDSA'), { audience: viewerAudience('accounts') });
    expect(payload.viewer).toMatchObject({ kind: 'user', userId: 'u-42' });
  });

  it('signs an anonymous viewer when no credentials are sent', async () => {
    const { body } = await post(url, '{ whoami }');
    expect(JSON.parse(body.data.whoami)).toEqual({ kind: 'anonymous', scopes: [], clientIp: '127.0.0.1', userAgent: 'node' });
  });

  it('never forwards client viewer headers or the Authorization header', async () => {
    const forged = await new SignJWT({ viewer: { kind: 'service', scopes: ['admin'] } })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('profile-graph:gateway')
      .setAudience(viewerAudience('accounts'))
      .setExpirationTime('1m')
      .sign(await importPKCS8(viewerKeys.privateKey, 'EdDSA'));
    const { body } = await post(url, '{ whoami user(id: "1") { headline } }', {
      [VIEWER_HEADER]: forged,
      'x-viewer-id': 'admin',
      authorization: `Bearer ${token}`,
    });
    expect(JSON.parse(body.data.whoami)).toEqual({ kind: 'user', userId: 'u-42', scopes: [], clientIp: '127.0.0.1', userAgent: 'node' });
    for (const headers of [...accounts.requests, ...profiles.requests]) {
      expect(headers[VIEWER_HEADER]).not.toBe(forged);
      expect(headers['x-viewer-id']).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
    }
    expect(profiles.requests.length).toBeGreaterThan(0);
  });

  it.each([
    ['a token signed with another key', async () => {
      const other = generateKeyPairPem();
      return (await (await createSessionSigner(other.privateKey, { ttlSeconds: 60, kid: 'k1' }))({ userId: 'u-1', sessionId: 's' })).token;
    }],
    ['an expired token', async () => (await (await createSessionSigner(sessionKeys.privateKey, { ttlSeconds: -60, kid: 'k1' }))({ userId: 'u-1', sessionId: 's' })).token],
    ['an alg:none token', async () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ alg: 'none', kid: 'k1' })}.${part({ sub: 'u-1', sid: 's', iss: 'profile-graph:identity', aud: 'profile-graph:gateway' })}.`;
    }],
    ['garbage', async () => 'not-a-jwt'],
  ])('rejects %s with 401 UNAUTHENTICATED before reaching any subgraph', async (_label, makeToken) => {
    const { status, body } = await post(url, '{ whoami }', { authorization: `Bearer ${await makeToken()}` });
    expect(status).toBe(401);
    expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(accounts.requests).toHaveLength(0);
  });

  it('rejects a non-Bearer Authorization header with 401', async () => {
    const { status, body } = await post(url, '{ whoami }', { authorization: 'Basic dTpw' });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('masks a plain Error from a subgraph as INTERNAL_SERVER_ERROR without stack or message', async () => {
    const { body } = await post(url, '{ boom }');
    expect(body.data).toEqual({ boom: null });
    expect(body.errors).toEqual([{ message: expect.any(String), path: ['boom'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(body)).not.toMatch(/hunter2|stacktrace|at Object|\.ts:/);
  });

  it('passes registry errors from a subgraph through with their path', async () => {
    const { body } = await post(url, '{ denied user(id: "1") { id } }');
    expect(body.data).toEqual({ denied: null, user: { id: '1' } });
    expect(body.errors).toEqual([
      { message: 'You are not authorized to read this field.', path: ['denied'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } },
    ]);
  });

  it('serves queries over GET (with the CSRF header) and refuses mutations over GET', async () => {
    // Without a non-simple header a GET is what a cross-site <img> or link would send: CSRF prevention refuses it.
    const simple = await fetch(`${url}?query=${encodeURIComponent('{ user(id: "3") { id } }')}`, { headers: { accept: 'application/json' } });
    expect(simple.status).toBe(403);
    const query = await fetch(`${url}?query=${encodeURIComponent('{ user(id: "3") { id } }')}`, { headers: { accept: 'application/json', 'x-graphql-csrf': '1' } });
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ data: { user: { id: '3' } } });
    accounts.requests.length = 0;

    const mutation = await fetch(`${url}?query=${encodeURIComponent('mutation { touch }')}`, { headers: { accept: 'application/json', 'x-graphql-csrf': '1' } });
    expect(mutation.status).toBe(405);
    expect(accounts.requests).toHaveLength(0);
  });

  it('reports validation errors with a registry code (400 under GraphQL over HTTP)', async () => {
    const { status, body } = await post(url, '{ nope }', { accept: 'application/graphql-response+json' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('contains a metrics hook that throws: the request is answered, the process lives, the failure is counted', async () => {
    // The crash this guards against: prom-client throwing inside the response's `finish` listener.
    const original = gateway.metrics.httpRequests.inc.bind(gateway.metrics.httpRequests);
    gateway.metrics.httpRequests.inc = () => {
      throw new Error('Added label "0" is not included in initial labelset');
    };
    const uncaught = jest.fn();
    process.on('uncaughtException', uncaught);
    try {
      for (let i = 0; i < 3; i += 1) {
        const { status, body } = await post(url, '{ user(id: "7") { handle } }');
        expect({ status, body }).toEqual({ status: 200, body: { data: { user: { handle: 'handle-7' } } } });
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).not.toHaveBeenCalled();
      const metrics = (await gateway.metrics.render()).body;
      expect(metrics).toMatch(/hook_errors_total\{hook="http_request_finished",service="gateway"\} 3/);
    } finally {
      process.off('uncaughtException', uncaught);
      gateway.metrics.httpRequests.inc = original;
    }
  });

  it('answers /health with 200 once the supergraph is loaded', async () => {
    const response = await fetch(`${origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves Apollo Sandbox at / in development', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('"/graphql"');
  });
});

describe('gateway in production', () => {
  let accounts: TestSubgraph;
  let profiles: TestSubgraph;
  let gateway: Gateway;
  let origin: string;

  beforeAll(async () => {
    [accounts, profiles] = await startSubgraphs();
    gateway = createGateway(configFor(composeSupergraph([accounts, profiles]), { nodeEnv: 'production' }));
    origin = new URL((await gateway.listen(0)).url).origin;
  });

  afterAll(async () => {
    await gateway?.close();
    await accounts?.close();
    await profiles?.close();
  });

  it('has no landing page', async () => {
    const response = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('embeddable-sandbox');
  });

  it('still serves GraphQL and health', async () => {
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    const { body } = await post(`${origin}/graphql`, '{ user(id: "9") { handle headline } }');
    expect(body).toEqual({ data: { user: { handle: 'handle-9', headline: 'headline of 9' } } });
  });
});

describe('gateway with a subgraph down', () => {
  let accounts: TestSubgraph;
  let gateway: Gateway;
  let url: string;

  beforeAll(async () => {
    accounts = await startSubgraph('accounts', accountsTypeDefs, { Query: { user: (_: unknown, { id }: { id: string }) => ({ id, handle: `h${id}` }) } });
    const supergraphPath = composeSupergraph([accounts, { name: 'profiles', typeDefs: profilesTypeDefs, url: 'http://127.0.0.1:9/graphql' }]);
    gateway = createGateway(configFor(supergraphPath));
    ({ url } = await gateway.listen(0));
  });

  afterAll(async () => {
    await gateway?.close();
    await accounts?.close();
  });

  it('returns what it can and SERVICE_UNAVAILABLE at the missing path, without internal addresses', async () => {
    const { status, body } = await post(url, '{ user(id: "5") { handle headline } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ user: { handle: 'h5', headline: null } });
    // The planner reports a failed entity fetch at the entity's path (['user']), not at each missing field.
    expect(body.errors).toEqual([{ message: expect.any(String), path: expect.arrayContaining(['user']), extensions: { code: 'SERVICE_UNAVAILABLE', service: 'profiles' } }]);
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});

describe('gateway startup failures', () => {
  it('refuses a file that is not a supergraph, naming it', () => {
    const notSupergraph = join(mkdtempSync(join(tmpdir(), 'gateway-test-')), 'plain.graphql');
    writeFileSync(notSupergraph, 'type Query { a: String }');
    expect(() => createGateway(configFor(notSupergraph))).toThrow(/plain\.graphql is not a Federation 2 supergraph/);
  });
});
