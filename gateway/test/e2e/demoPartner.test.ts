import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGraph, type TestGraph } from '../support/startGraph';

// `npm start`'s development seed (scripts/lib/seedDemoData.js, seedDemoPartner.js), run against the real graph.
const { seedDemoData, demoPassword } = require('../../../scripts/lib/seedDemoData.js') as {
  seedDemoData: (url: string) => Promise<boolean>;
  demoPassword: string;
};
const { seedDemoPartner } = require('../../../scripts/lib/seedDemoPartner.js') as {
  seedDemoPartner: (
    url: string,
    options: { nodeEnv: string | undefined; operatorToken: string; password: string; keyFile: string },
  ) => Promise<{ apiKey: string; organizationId: string; recruiter: string; created: boolean }>;
};

const SEARCH = '{ candidates(filter: { skills: ["Mathematics"] }) { nodes { user { handle } headline } } }';

describe('the demo partner of npm start', () => {
  let graph: TestGraph;
  let keyFile: string;

  beforeAll(async () => {
    graph = await startGraph();
    keyFile = join(mkdtempSync(join(tmpdir(), 'demo-partner-')), 'demo-partner.key');
  });

  afterAll(async () => {
    await graph?.stop();
  });

  const options = (nodeEnv: string) => ({ nodeEnv, operatorToken: graph.operatorToken, password: demoPassword, keyFile });

  it('is never seeded in production: refused before anything is written', async () => {
    await expect(seedDemoPartner(graph.gatewayUrl, options('production'))).rejects.toThrow(/development only/);
    const recruiter = await graph.query('{ userByHandle(handle: "rosa") { id } }');
    expect(recruiter.body.data.userByHandle).toBeNull();
    expect(() => statSync(keyFile)).toThrow();
  });

  it('gives a verified employer whose printed key searches candidates, reads its jobs and applications', async () => {
    expect(await seedDemoData(graph.gatewayUrl)).toBe(true);
    const partner = await seedDemoPartner(graph.gatewayUrl, options('development'));
    expect(partner).toMatchObject({ recruiter: 'rosa', created: true });
    expect(partner.apiKey).toMatch(/^pgk_live_/);
    // The secret is kept for the next start, readable by its owner only.
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(partner.apiKey);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const key = { 'x-api-key': partner.apiKey };
    const search = await graph.query(SEARCH, {}, undefined, key);
    expect(search.body.errors).toBeUndefined();
    // ada consented to CANDIDATE_DISCOVERY and knows Mathematics; katherine knows it too but did not consent.
    expect(search.body.data.candidates.nodes).toEqual([{ user: { handle: 'ada' }, headline: 'Analytical engine programmer' }]);

    const applications = await graph.query('{ applications { nodes { job { title } candidate { handle } } } }', {}, undefined, key);
    expect(applications.body.errors).toBeUndefined();
    expect(applications.body.data.applications.nodes).toEqual([{ job: { title: 'Compiler engineer' }, candidate: { handle: 'ada' } }]);
  });

  it('is reused on the next start: same organization and key, nothing posted twice', async () => {
    const first = readFileSync(keyFile, 'utf8').trim();
    const again = await seedDemoPartner(graph.gatewayUrl, options('development'));
    expect(again).toMatchObject({ apiKey: first, created: false });
    const applications = await graph.query('{ applications { nodes { job { title } } } }', {}, undefined, { 'x-api-key': first });
    expect(applications.body.data.applications.nodes).toHaveLength(1);
  });
});
