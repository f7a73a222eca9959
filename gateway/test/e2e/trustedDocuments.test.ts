import { createHash } from 'node:crypto';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { verifiedOrganization } from '../support/verifiedOrganization';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const OPEN_JOBS = 'query OpenJobs { jobs { nodes { title } } }';
const JOB_COUNT = 'query JobIds { jobs { nodes { id } } }';
const UPLOAD = 'mutation($org: ID!, $manifest: String!) { uploadTrustedDocuments(organizationId: $org, manifest: $manifest) { version enforced operations { id name } } }';
const ENFORCE = 'mutation($org: ID!, $on: Boolean!) { setTrustedDocumentsEnforcement(organizationId: $org, enforced: $on) { version enforced } }';
const apolloManifest = (...bodies: string[]) =>
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: bodies.map((body) => ({ id: sha256(body), name: /query (\w+)/.exec(body)![1], type: 'query', body })) });

// Trusted documents per partner organization: real identity (manifests, NATS
// lookups, change events), the real gateway.
describe('trusted documents for partner keys', () => {
  let graph: TestGraph;
  let admin: { id: string; token: string };
  let acme: Awaited<ReturnType<typeof verifiedOrganization>>;
  let acmeKey: Record<string, string>;
  let otherKey: Record<string, string>;

  beforeAll(async () => {
    graph = await startGraph();
    admin = await graph.signUp('trusted_admin', 'Trusted Admin');
    acme = await verifiedOrganization(graph, 'Acme Trusted', admin);
    acmeKey = await acme.key(['JOBS_READ']);
    otherKey = await (await verifiedOrganization(graph, 'Other Employer', await graph.signUp('other_admin', 'Other Admin'))).key(['JOBS_READ']);
    await acme.postJob('Registered engineer');
  });

  afterAll(async () => {
    await graph?.stop();
  });

  /** A raw GraphQL request, so the test controls exactly what is sent (ids without text, text without id). */
  async function send(body: Record<string, unknown>, headers: Record<string, string>) {
    const response = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
  }
  const byHash = (text: string, headers: Record<string, string>) => send({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } }, headers);

  it('refuses a manifest that does not parse, naming the problem, and writes nothing', async () => {
    const bad = await graph.query(UPLOAD, { org: acme.orgId, manifest: '{"a":"query {"}' }, admin.token);
    expect(bad.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'manifest["a"].body' } });
    const state = await graph.query('query($id: ID!) { organization(id: $id) { trustedDocuments { version enforced } } }', { id: acme.orgId }, admin.token);
    expect(state.body.data.organization.trustedDocuments).toEqual({ version: 0, enforced: false });
  });

  it('runs registered operations by id and by exact text, and refuses anything else before planning', async () => {
    const uploaded = await graph.query(UPLOAD, { org: acme.orgId, manifest: apolloManifest(OPEN_JOBS) }, admin.token);
    expect(uploaded.body.errors).toBeUndefined();
    expect(uploaded.body.data.uploadTrustedDocuments).toEqual({ version: 1, enforced: false, operations: [{ id: sha256(OPEN_JOBS), name: 'OpenJobs' }] });
    // Not enforced yet: the key may still send operations of its own.
    expect((await send({ query: JOB_COUNT }, acmeKey)).status).toBe(200);

    const enforced = await graph.query(ENFORCE, { org: acme.orgId, on: true }, admin.token);
    expect(enforced.body.data.setTrustedDocumentsEnforcement).toEqual({ version: 1, enforced: true });

    await eventually(async () => {
      const refused = await send({ query: JOB_COUNT }, acmeKey);
      expect(refused.status).toBe(403);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
      expect(refused.body.data).toBeUndefined();
    }, 2_000);

    const hashed = await byHash(OPEN_JOBS, acmeKey);
    expect(hashed.status).toBe(200);
    expect(hashed.body.data.jobs.nodes).toContainEqual({ title: 'Registered engineer' });
    const exact = await send({ query: OPEN_JOBS }, acmeKey);
    expect(exact.body.data.jobs.nodes).toContainEqual({ title: 'Registered engineer' });
    // One character more is another operation.
    expect((await send({ query: `${OPEN_JOBS} ` }, acmeKey)).body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    const unknownId = await send({ documentId: 'not-registered' }, acmeKey);
    expect(unknownId.status).toBe(400);
    expect(unknownId.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // An id with a different text beside it is not a way around the manifest.
    const smuggled = await send({ query: JOB_COUNT, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OPEN_JOBS) } } }, acmeKey);
    expect(smuggled.status).toBe(400);
    expect(smuggled.body.data).toBeUndefined();
  });

  it('leaves other organizations and users alone', async () => {
    const other = await send({ query: JOB_COUNT }, otherKey);
    expect(other.status).toBe(200);
    expect(other.body.data.jobs.nodes.length).toBeGreaterThan(0);
    const user = await send({ query: JOB_COUNT }, { authorization: `Bearer ${admin.token}` });
    expect(user.status).toBe(200);
    expect(user.body.errors).toBeUndefined();
  });

  it('applies a new manifest version within a second', async () => {
    // A Relay / Hive map this time, with ids of the client's choosing.
    const uploadedAt = Date.now();
    const uploaded = await graph.query(UPLOAD, { org: acme.orgId, manifest: JSON.stringify({ 'job-ids-v2': JOB_COUNT }) }, admin.token);
    expect(uploaded.body.data.uploadTrustedDocuments).toMatchObject({ version: 2, enforced: true });
    const appliedAfter = await eventually(async () => {
      const now = await send({ documentId: 'job-ids-v2' }, acmeKey);
      expect(now.status).toBe(200);
      expect(now.body.data.jobs.nodes.length).toBeGreaterThan(0);
      return Date.now() - uploadedAt;
    }, 2_000);
    expect(appliedAfter).toBeLessThan(1_000);
    // The previous version's operation is no longer registered.
    expect((await byHash(OPEN_JOBS, acmeKey)).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await send({ query: OPEN_JOBS }, acmeKey)).status).toBe(403);
  });

  it('counts partner operations by organization and registered name, never anything personal', async () => {
    const metrics = await (await fetch(new URL('/metrics', graph.gatewayUrl))).text();
    const lines = metrics.split('\n').filter((line) => line.startsWith('partner_operations_total{'));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^partner_operations_total\\{organization="${acme.orgId}",operation="OpenJobs",service="gateway"\\} [1-9]`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^partner_operations_total\\{organization="${acme.orgId}",operation="JobIds",service="gateway"\\} [1-9]`)));
    for (const line of lines) expect(line).toMatch(/^partner_operations_total\{organization="[0-9a-f-]{36}",operation="(\w+)",service="gateway"\} \d+$/);
  });

  it('lets only the organization\'s ADMINs upload or switch, and switching off frees the key again', async () => {
    const outsider = await graph.signUp('trusted_outsider');
    const refused = await graph.query(ENFORCE, { org: acme.orgId, on: false }, outsider.token);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const off = await graph.query(ENFORCE, { org: acme.orgId, on: false }, admin.token);
    expect(off.body.data.setTrustedDocumentsEnforcement).toEqual({ version: 2, enforced: false });
    await eventually(async () => expect((await send({ query: OPEN_JOBS }, acmeKey)).status).toBe(200), 2_000);
  });
});
