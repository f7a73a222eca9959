import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { SERVICE_TOKENS } from '../support/startSubgraphs';
import { seedPrivacyWorld, type PrivacyWorld } from './privacySeed';

// Issue 8, part 4: withdrawing a consent stops the processing it allowed,
// everywhere, within a second of the withdrawal being answered.

const WITHDRAW = 'mutation($p: ConsentPurpose!) { withdrawConsent(purpose: $p) { status } }';
const LIMIT_MS = 1_000;

describe('withdrawal stops processing', () => {
  let graph: TestGraph;
  let world: PrivacyWorld;

  beforeAll(async () => {
    graph = await startGraph();
    world = await seedPrivacyWorld(graph, 'wd');
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
  });

  /** Withdraws, then polls `stopped` until it holds; resolves with the milliseconds it took. */
  async function withdrawAndTime(token: string, purpose: string, stopped: () => Promise<void>): Promise<number> {
    const response = await graph.query(WITHDRAW, { p: purpose }, token);
    expect(response.body).toEqual({ data: { withdrawConsent: { status: 'WITHDRAWN' } } });
    const started = Date.now();
    await eventually(stopped, LIMIT_MS, 10);
    return Date.now() - started;
  }

  it('HIRING_RECOMMENDATIONS: stored job-search activity is deleted and recommendations stop', async () => {
    const { ada } = world;
    expect(await graph.subgraphs.hiring.services.activity.countDocuments({ userId: ada.id })).toBeGreaterThan(0);
    const before = await graph.query('{ me { jobRecommendations { score } } }', {}, ada.token);
    expect(before.body.errors).toBeUndefined();
    const took = await withdrawAndTime(ada.token, 'HIRING_RECOMMENDATIONS', async () => {
      expect(await graph.subgraphs.hiring.services.activity.countDocuments({ userId: ada.id })).toBe(0);
      const after = await graph.query('{ me { jobRecommendations { score } } }', {}, ada.token);
      expect(after.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', purpose: 'HIRING_RECOMMENDATIONS' });
    });
    expect(took).toBeLessThan(LIMIT_MS);
    // New activity is no longer kept either.
    const view = await graph.query('mutation($id: ID!) { recordJobView(jobId: $id) { recorded } }', { id: world.acme.jobId }, ada.token);
    expect(view.body.data.recordJobView).toEqual({ recorded: false });
  });

  it('AD_PERSONALIZATION: ad interests stop being derived or served (nothing about them is stored)', async () => {
    const { ada } = world;
    const ADS = 'query($id: ID!) { user(id: $id) { adInterests } }';
    const adServer = { 'x-service-token': SERVICE_TOKENS.adServer.token };
    const served = await graph.query(ADS, { id: ada.id }, undefined, adServer);
    expect(served.body.data.user.adInterests).toEqual(expect.arrayContaining(['career:job-seeker', 'interest:data-and-ai']));
    // Derived on each request from the profile: the profile holds no stored interests to clear.
    const stored = await graph.subgraphs.hiring.db.collection('hiring_profiles').findOne({ _id: ada.id as never });
    expect(Object.keys(stored ?? {}).filter((key) => /interest|segment|^ads?([A-Z_]|$)/.test(key))).toEqual([]);
    const took = await withdrawAndTime(ada.token, 'AD_PERSONALIZATION', async () => {
      const refused = await graph.query(ADS, { id: ada.id }, undefined, adServer);
      expect(refused.body.data.user.adInterests).toBeNull();
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', purpose: 'AD_PERSONALIZATION' });
    });
    expect(took).toBeLessThan(LIMIT_MS);
    // And the export no longer lists them as processed.
    const archive = (await graph.query('{ exportMyData }', {}, ada.token)).body.data.exportMyData;
    expect(archive.sections.hiring.items.some((item: { kind: string }) => item.kind.startsWith('ad interest'))).toBe(false);
  });

  it('EMPLOYER_SHARING: the employer the user applied to no longer sees the profile', async () => {
    const { bob, acme } = world;
    const APPLICATIONS = '{ applications(first: 50) { nodes { candidateId candidateProfile { headline } } } }';
    const profileOf = async () => {
      const response = await graph.query(APPLICATIONS, {}, undefined, acme.readerKey);
      const node = response.body.data.applications.nodes.find((entry: { candidateId: string }) => entry.candidateId === bob.id);
      return { profile: node.candidateProfile, errors: response.body.errors ?? [] };
    };
    expect((await profileOf()).profile).toEqual({ headline: 'Bob unique headline' });
    const took = await withdrawAndTime(bob.token, 'EMPLOYER_SHARING', async () => {
      const { profile, errors } = await profileOf();
      expect(profile).toBeNull();
      expect(errors.map((error: any) => error.extensions?.code)).toContain('CONSENT_REQUIRED');
    });
    expect(took).toBeLessThan(LIMIT_MS);
  });

  it('CANDIDATE_DISCOVERY: the user leaves candidate search', async () => {
    const { bob, acme } = world;
    const SEARCH = '{ candidates(filter: { skills: ["rust"] }, first: 50) { nodes { userId } } }';
    const found = async () => (await graph.query(SEARCH, {}, undefined, acme.searchKey)).body.data.candidates.nodes.map((node: { userId: string }) => node.userId);
    expect(await found()).toContain(bob.id);
    const took = await withdrawAndTime(bob.token, 'CANDIDATE_DISCOVERY', async () => {
      expect(await found()).not.toContain(bob.id);
    });
    expect(took).toBeLessThan(LIMIT_MS);
    // Others who consent are still found.
    expect(await found()).toContain(world.ada.id);
  });
});
