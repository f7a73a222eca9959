import { postGraphQL } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

// Rate limits, CORS and development-only introspection, each on a gateway
// of its own over the same real subgraphs.
describe('gateway policies', () => {
  let graph: TestGraph;

  beforeAll(async () => {
    graph = await startGraph();
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('rate-limits each viewer with a token bucket: 429, Retry-After and RATE_LIMITED, other viewers unaffected', async () => {
    const limited = await graph.startGateway({ RATE_LIMIT_CAPACITY: '3', RATE_LIMIT_REFILL_PER_SECOND: '0.2' });
    const ada = await graph.signUp('rate_ada');
    const grace = await graph.signUp('rate_grace');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postGraphQL(limited.url, '{ me { id } }', {}, { authorization: `Bearer ${ada.token}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const refused = await fetch(limited.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ada.token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });

    // Another user has a bucket of their own; anonymous callers spend their address's bucket.
    expect((await postGraphQL(limited.url, '{ me { id } }', {}, { authorization: `Bearer ${grace.token}` })).status).toBe(200);
    await limited.close();
  });

  it('answers CORS preflights only for configured origins', async () => {
    const gateway = await graph.startGateway({ CORS_ORIGINS: 'https://app.example.com' });
    const preflight = (origin: string) =>
      fetch(gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.net');
    await gateway.close();

    const closed = await fetch(graph.gatewayUrl, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(closed.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows introspection in development for users and anonymous developers, never for partners', async () => {
    const development = await graph.startGateway({ NODE_ENV: 'development' });
    const introspect = '{ __schema { queryType { name } } }';
    expect((await postGraphQL(development.url, introspect)).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const admin = await graph.signUp('policy_admin');
    const org = await graph.query('mutation { createOrganization(input: { name: "Policy Co" }) { id } }', {}, admin.token);
    const orgId = org.body.data.createOrganization.id;
    await graph.query('mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: orgId }, undefined, { 'x-operator-token': graph.operatorToken });
    const key = await graph.query(
      'mutation($o: ID!) { createApiKey(input: { organizationId: $o, name: "k", scopes: [JOBS_READ] }) { secret } }',
      { o: orgId },
      admin.token,
    );
    const asPartner = await postGraphQL(development.url, introspect, {}, { 'x-api-key': key.body.data.createApiKey.secret });
    expect(asPartner.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(asPartner.body.data ?? null).toBeNull();
    // Sandbox is served in development only.
    expect((await fetch(new URL('/', development.url))).status).toBe(200);
    expect((await fetch(new URL('/', graph.gatewayUrl))).status).not.toBe(200);
    await development.close();
  });
});
