import { startGraph, type TestGraph } from '../support/startGraph';
import { collectionsMentioning, seedPrivacyWorld, type PrivacyWorld } from './privacySeed';

// Issue 8, part 1: exportMyData through the gateway gathers every subgraph's
// part over NATS request/reply; everything the graph holds about the user is
// in it, with purposes and recipients, and nothing about anyone else.

const EXPORT = '{ exportMyData }';

describe('exportMyData', () => {
  let graph: TestGraph;
  let world: PrivacyWorld;

  beforeAll(async () => {
    graph = await startGraph();
    world = await seedPrivacyWorld(graph, 'exp');
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
  });

  it('holds an item for every collection of every subgraph that mentions the user, and nothing about anyone else', async () => {
    const { ada, bob, employer } = world;
    const response = await graph.query(EXPORT, {}, ada.token);
    expect(response.body.errors).toBeUndefined();
    const archive = response.body.data.exportMyData;
    expect(archive).toMatchObject({ format: 'profile-graph.export.v1', subject: { userId: ada.id } });
    expect(Object.keys(archive.sections).sort()).toEqual(['calls', 'consent', 'hiring', 'identity']);

    // Every collection that references Ada, in every subgraph database, is represented.
    const expected: Record<string, string[]> = {};
    for (const [name, subgraph] of Object.entries(graph.subgraphs)) {
      expected[name] = Object.keys(await collectionsMentioning(subgraph.db, ada.id)).sort();
      const exported = new Set(archive.sections[name].items.map((item: { collection: string }) => item.collection));
      for (const collection of expected[name]!) expect({ subgraph: name, collection, exported: exported.has(collection) }).toEqual({ subgraph: name, collection, exported: true });
    }
    // The seed really did reach every kind of data (so the loop above checked something).
    expect(expected).toEqual({
      identity: ['api_keys', 'consent_projection', 'organizations', 'sessions', 'users'],
      hiring: ['applications', 'consent_projection', 'hiring_profiles', 'job_activity', 'jobs', 'organizations'],
      consent: ['consent_ledger', 'consent_projection', 'consent_states', 'data_access_log'],
      calls: ['callChanges', 'callPrivacy', 'callerVerifications', 'calls', 'consent_projection', 'users'],
    });

    // Every item says why it is held and to whom it went.
    for (const section of Object.values<any>(archive.sections)) {
      for (const item of section.items) {
        expect(typeof item.purpose).toBe('string');
        expect(Array.isArray(item.recipients)).toBe(true);
      }
    }

    // Nothing about Bob (same job, same employer, a call together, blocked by Ada) nor about the employer's admin.
    const text = JSON.stringify(archive);
    for (const foreign of [bob.id, bob.handle, 'Bob unique headline', '+14155550102', employer.id, employer.handle]) expect({ foreign, found: text.includes(foreign) }).toEqual({ foreign, found: false });
    // Ada's own data is there, the phone number in full (to its owner).
    for (const own of ['Ada unique headline', '+14155550101', ada.handle, 'Ada Labs']) expect({ own, found: text.includes(own) }).toEqual({ own, found: true });
    // Credentials are not personal data to port.
    expect(text).not.toMatch(/passwordHash|refreshHash|secretHash|template/i);
  });

  it('names the employers that received the hiring profile and when, from the applications and the access log', async () => {
    const archive = (await graph.query(EXPORT, {}, world.ada.token)).body.data.exportMyData;
    const profile = archive.sections.hiring.items.find((item: any) => item.collection === 'hiring_profiles' && item.kind === 'hiring profile');
    expect(profile.purpose).toBe('employment.recruitment');
    expect(profile.recipients).toEqual([expect.objectContaining({ kind: 'ORGANIZATION', id: world.acme.orgId, name: 'Acme Hiring', at: expect.any(String) })]);
    const reads = archive.sections.consent.items.filter((item: any) => item.collection === 'data_access_log');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0].recipients[0]).toMatchObject({ kind: 'ORGANIZATION', id: world.acme.orgId, what: expect.stringMatching(/candidateProfile|^HiringProfile\./) });
    // Each entry: which fields, how many reads, from when to when; one recipient line per field read.
    for (const read of reads) {
      expect(read.data).toEqual({ id: expect.any(String), fields: expect.any(Array), count: expect.any(Number), purpose: read.purpose, subgraph: expect.any(String), viewerKind: expect.any(String), firstAt: expect.any(String), lastAt: expect.any(String) });
      expect(read.data.count).toBeGreaterThanOrEqual(read.data.fields.length);
      expect(read.recipients.map((recipient: any) => recipient.what)).toEqual(read.data.fields);
    }

    const acme = archive.recipients.find((recipient: any) => recipient.id === world.acme.orgId);
    expect(acme).toMatchObject({ kind: 'ORGANIZATION', name: 'Acme Hiring' });
    expect(acme.received.map((entry: any) => entry.subgraph)).toEqual(expect.arrayContaining(['hiring', 'consent']));
    expect(acme.received.every((entry: any) => typeof entry.at === 'string')).toBe(true);

    const call = archive.sections.calls.items.find((item: any) => item.collection === 'calls');
    expect(call.data).toMatchObject({ callId: world.callId, role: 'CALLER', otherParticipant: 'another user', status: 'ENDED' });
    const privacy = archive.sections.calls.items.find((item: any) => item.collection === 'callPrivacy');
    expect(privacy.data).toEqual({ whoCanCall: 'VERIFIED_ONLY', allowedContacts: 0, blockedUsers: 1 });
  });

  it('states how long each item is kept, with the deployment\'s retention settings (GDPR Art. 15(1)(d))', async () => {
    const archive = (await graph.query(EXPORT, {}, world.ada.token)).body.data.exportMyData;
    const items = Object.values(archive.sections).flatMap((section: any) => section.items);
    expect(items.length).toBeGreaterThan(5);
    for (const item of items) expect({ kind: item.kind, retention: typeof item.retention === 'string' && item.retention.length > 5 }).toEqual({ kind: item.kind, retention: true });
    const retentionOf = (subgraph: string, kind: string) => archive.sections[subgraph].items.find((item: any) => item.kind === kind)?.retention;
    expect(retentionOf('calls', 'call')).toMatch(/^730 days after the call ended/);
    expect(retentionOf('consent', 'reads of your consent-gated data by someone else')).toMatch(/^730 days after the read/);
    expect(retentionOf('hiring', 'job-search activity')).toMatch(/^180 days after it was recorded/);
    expect(retentionOf('consent', 'privacy request') ?? 'no request').toMatch(/minimal record|no request/);
  });

  it('is for the signed-in owner only', async () => {
    const anonymous = await graph.query(EXPORT, {});
    expect(anonymous.body.data?.exportMyData ?? null).toBeNull();
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const partner = await graph.query(EXPORT, {}, undefined, world.acme.readerKey);
    expect(partner.body.data?.exportMyData ?? null).toBeNull();
    // Bob's export is Bob's: Ada is not in it either.
    const bobs = JSON.stringify((await graph.query(EXPORT, {}, world.bob.token)).body.data.exportMyData);
    expect(bobs).toContain(world.bob.id);
    expect(bobs).not.toContain(world.ada.id);
  });
});
