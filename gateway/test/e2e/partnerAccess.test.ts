import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

const CREATE_ORG = 'mutation($name: String!) { createOrganization(input: { name: $name }) { id name verified members { role user { handle } } } }';
const VERIFY_ORG = 'mutation($id: ID!) { verifyOrganization(id: $id) { id verified } }';
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id name prefix scopes expiresAt revokedAt } }
}`;
const PARTNER_ORG = '{ partnerOrganization { id name } }';

// Organizations, partner API keys and sessions end to end: real identity,
// real NATS (lookups, revocations, usage), the real gateway.
describe('partner API keys and sessions through the gateway', () => {
  let graph: TestGraph;
  let admin: { id: string; token: string; refreshToken: string };
  let orgId: string;

  beforeAll(async () => {
    graph = await startGraph({ API_KEY_USAGE_FLUSH_MS: '200' });
    admin = await graph.signUp('acme_admin', 'Acme Admin');
    const created = await graph.query(CREATE_ORG, { name: 'Acme Hiring' }, admin.token);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createOrganization).toMatchObject({ name: 'Acme Hiring', verified: false, members: [{ role: 'ADMIN', user: { handle: 'acme_admin' } }] });
    orgId = created.body.data.createOrganization.id;
  });

  afterAll(async () => {
    await graph?.stop();
  });

  const operator = () => ({ 'x-operator-token': graph.operatorToken });
  const createKey = (scopes: string[], extra: Record<string, unknown> = {}) =>
    graph.query(CREATE_KEY, { input: { organizationId: orgId, name: 'ats', scopes, ...extra } }, admin.token);

  it('refuses keys for an unverified organization, and verification to anyone but the operator', async () => {
    const early = await createKey(['JOBS_READ']);
    expect(early.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asUser = await graph.query(VERIFY_ORG, { id: orgId }, admin.token);
    expect(asUser.body.errors?.[0]).toMatchObject({ path: ['verifyOrganization'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
    const wrongOperator = await graph.query(VERIFY_ORG, { id: orgId }, undefined, { 'x-operator-token': 'guess' });
    expect(wrongOperator.status).toBe(401);
    const verified = await graph.query(VERIFY_ORG, { id: orgId }, undefined, operator());
    expect(verified.body).toEqual({ data: { verifyOrganization: { id: orgId, verified: true } } });
  });

  it('shows the secret once, stores only its hash, and resolves the key to a partner viewer', async () => {
    const created = await createKey(['JOBS_READ', 'CANDIDATES_SEARCH']);
    expect(created.body.errors).toBeUndefined();
    const { secret, apiKey } = created.body.data.createApiKey;
    expect(secret).toMatch(/^pgk_live_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ prefix: secret.slice(0, 13), scopes: ['JOBS_READ', 'CANDIDATES_SEARCH'], revokedAt: null });
    const stored = await graph.subgraphs.identity.services.apiKeys.findById(apiKey.id).lean();
    expect(JSON.stringify(stored)).not.toContain(secret.slice(13));

    const partner = await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': secret });
    expect(partner.body).toEqual({ data: { partnerOrganization: { id: orgId, name: 'Acme Hiring' } } });

    // A user is not a partner: the partner-only field is null with UNAUTHORIZED_FIELD_OR_TYPE, the rest returns.
    const asUser = await graph.query('{ me { handle } partnerOrganization { id } }', {}, admin.token);
    expect(asUser.body.data).toEqual({ me: { handle: 'acme_admin' }, partnerOrganization: null });
    expect(asUser.body.errors).toEqual([expect.objectContaining({ path: ['partnerOrganization'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } })]);

    // Usage reaches lastUsedAt in a batch, not as a write per request.
    await eventually(async () => {
      const doc = await graph.subgraphs.identity.services.apiKeys.findById(apiKey.id).lean();
      if (!doc?.lastUsedAt) throw new Error('lastUsedAt not yet recorded');
    });
  });

  it('lets a partner do nothing a user-only field allows', async () => {
    const { secret } = (await createKey(['JOBS_READ'])).body.data.createApiKey;
    const response = await graph.query('mutation { createOrganization(input: { name: "Evil" }) { id } }', {}, undefined, { 'x-api-key': secret });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await graph.subgraphs.identity.services.organizations.countDocuments({ name: 'Evil' })).toBe(0);
  });

  it('refuses a revoked key within 1 second (NATS event to the gateway cache)', async () => {
    const { secret, apiKey } = (await createKey(['JOBS_READ'])).body.data.createApiKey;
    expect((await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': secret })).status).toBe(200); // now cached
    const revoked = await graph.query('mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id: apiKey.id }, admin.token);
    expect(revoked.body.data.revokeApiKey.revokedAt).toBeTruthy();
    const started = Date.now();
    await eventually(async () => {
      const response = await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': secret });
      if (response.status !== 401) throw new Error(`still accepted (${response.status})`);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }, 1_000, 20);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rotates a key: the old secret stops at once, the new one works with the same id', async () => {
    const { secret, apiKey } = (await createKey(['JOBS_READ'])).body.data.createApiKey;
    expect((await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': secret })).status).toBe(200);
    const rotated = await graph.query('mutation($id: ID!) { rotateApiKey(id: $id) { secret apiKey { id } } }', { id: apiKey.id }, admin.token);
    const fresh = rotated.body.data.rotateApiKey;
    expect(fresh.apiKey.id).toBe(apiKey.id);
    expect(fresh.secret).not.toBe(secret);
    await eventually(async () => {
      if ((await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': secret })).status !== 401) throw new Error('old secret still accepted');
    }, 1_000, 20);
    expect((await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': fresh.secret })).body.data.partnerOrganization.id).toBe(orgId);
  });

  it('refuses an expired key', async () => {
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const { secret } = (await createKey(['JOBS_READ'], { expiresAt })).body.data.createApiKey;
    expect((await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': secret })).status).toBe(200);
    await eventually(async () => {
      if ((await graph.query(PARTNER_ORG, {}, undefined, { 'x-api-key': secret })).status !== 401) throw new Error('not expired yet');
    }, 5_000, 100);
  });

  it('keeps key management to the organization ADMINs', async () => {
    const recruiter = await graph.signUp('acme_recruiter');
    const added = await graph.query(
      'mutation($org: ID!) { addOrganizationMember(organizationId: $org, handle: "ACME_RECRUITER", role: RECRUITER) { role user { handle } } }',
      { org: orgId },
      admin.token,
    );
    expect(added.body.data.addOrganizationMember).toEqual({ role: 'RECRUITER', user: { handle: 'acme_recruiter' } });
    const byRecruiter = await graph.query(CREATE_KEY, { input: { organizationId: orgId, name: 'x', scopes: ['JOBS_READ'] } }, recruiter.token);
    expect(byRecruiter.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outsider = await graph.signUp('outsider_1');
    const byOutsider = await graph.query(CREATE_KEY, { input: { organizationId: orgId, name: 'x', scopes: ['JOBS_READ'] } }, outsider.token);
    expect(byOutsider.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const view = await graph.query('query($id: ID!) { organization(id: $id) { name apiKeys { id } } }', { id: orgId }, recruiter.token);
    expect(view.body.data.organization).toEqual({ name: 'Acme Hiring', apiKeys: null });
  });

  it('rotates refresh tokens, revokes the session when an old one is reused, and signs out', async () => {
    const user = await graph.signUp('session_user');
    const REFRESH = 'mutation($t: String!) { refreshSession(refreshToken: $t) { token refreshToken user { handle } } }';
    const first = await graph.query(REFRESH, { t: user.refreshToken });
    expect(first.body.data.refreshSession.user).toEqual({ handle: 'session_user' });
    const second = await graph.query(REFRESH, { t: first.body.data.refreshSession.refreshToken });
    expect(second.body.errors).toBeUndefined();
    // The first refresh token again: it was copied. The whole session goes, including the newest tokens.
    const reuse = await graph.query(REFRESH, { t: user.refreshToken });
    expect(reuse.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const afterReuse = await graph.query(REFRESH, { t: second.body.data.refreshSession.refreshToken });
    expect(afterReuse.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // And its access tokens stop at the gateway as soon as the revocation event arrives.
    await eventually(async () => {
      if ((await graph.query('{ me { id } }', {}, second.body.data.refreshSession.token)).status !== 401) throw new Error('access token still accepted');
    }, 1_000, 20);

    const other = await graph.signUp('session_user2');
    const out = await graph.query('mutation($t: String!) { signOut(refreshToken: $t) }', { t: other.refreshToken }, other.token);
    expect(out.body.data).toEqual({ signOut: true });
    expect((await graph.query(REFRESH, { t: other.refreshToken })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await eventually(async () => {
      if ((await graph.query('{ me { id } }', {}, other.token)).status !== 401) throw new Error('access token still accepted');
    }, 1_000, 20);
  });

  it('slows down repeated failed sign-ins for a handle', async () => {
    await graph.signUp('throttled_user');
    const SIGN_IN = 'mutation($p: String!) { signIn(handle: "throttled_user", password: $p) { token } }';
    const codes: unknown[] = [];
    for (let i = 0; i < 7; i += 1) codes.push((await graph.query(SIGN_IN, { p: `wrong password ${i}` })).body.errors?.[0]?.extensions?.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('UNAUTHENTICATED'));
    expect(codes.slice(5)).toContain('RATE_LIMITED');
    // Even the right password waits while throttled: the attempt is refused before it is checked.
    const right = await graph.query(SIGN_IN, { p: 'correct horse battery' });
    expect(right.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  });
});
