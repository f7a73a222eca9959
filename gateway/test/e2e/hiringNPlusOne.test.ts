import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

// No N+1 (issue 6): a candidate search returning N people, with their
// candidate cards from hiring and their User fields from identity, costs
// the same number of MongoDB commands for N = 10 as for N = 200. Counted with
// the driver's command monitoring (connections have monitorCommands on) on
// the hiring and identity connections, through the real gateway.

const SEARCH = `query($skill: String!) { candidates(filter: { skills: [$skill] }, first: 200) {
  nodes { userId headline skills currentTitle user { id handle displayName } }
  pageInfo { hasNextPage }
} }`;

/**
 * Not the search: the outbox relays' polls, the consent projection's
 * persistence, and the gateway's API key resolution (identity api_keys and
 * organizations, per key, cached), which happen at their own pace.
 */
function isBackground(event: CommandStartedEvent): boolean {
  const command = event.command as Record<string, any>;
  if (command.find === 'api_keys' || command.find === 'organizations' || command.update === 'api_keys') return true;
  const text = JSON.stringify(command.filter ?? command.q ?? {});
  return text.includes('_outbox') || command.update === 'consent_projection' || command.find === 'consent_projection' || ['hello', 'isMaster', 'ping', 'endSessions'].includes(event.commandName);
}

function countCommands(connections: Record<string, Connection>) {
  const seen: string[] = [];
  const listeners = Object.entries(connections).map(([name, connection]) => {
    const client = connection.getClient();
    const listener = (event: CommandStartedEvent) => {
      if (!isBackground(event)) seen.push(`${name}:${event.commandName}:${String((event.command as Record<string, unknown>)[event.commandName])}`);
    };
    client.on('commandStarted', listener);
    return () => client.off('commandStarted', listener);
  });
  return { seen, stop: () => listeners.forEach((off) => off()) };
}

describe('candidate search has no N+1', () => {
  let graph: TestGraph;

  beforeAll(async () => {
    // 200 candidates with nested fields cost more than the default operation cost limit allows; that limit is not under test here.
    // BATCH_LOOKUP=in: each DataLoader batch as one `$in`, what MongoDB gets. On FerretDB the default
    // reads a batch as one equality query per key, sent together (faster there; see connectDatabase),
    // which would count N commands by design.
    graph = await startGraph({ MAX_COST: '1000000', API_KEY_USAGE_FLUSH_MS: '600000', BATCH_LOOKUP: 'in' });
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
  });

  it('costs a constant number of database commands for 10 and for 200 candidates', async () => {
    // 200 people, all findable, 10 of them with a rarer skill.
    const people: { id: string; token: string }[] = [];
    for (let start = 0; start < 200; start += 20) {
      people.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => graph.signUp(`n1_${start + i}`, `Person ${start + i}`)))));
    }
    for (let start = 0; start < 200; start += 20) {
      await Promise.all(
        people.slice(start, start + 20).map(async (person, i) => {
          const profile = await graph.query(
            'mutation($input: HiringProfileInput!) { createHiringProfile(input: $input) { userId } }',
            {
              input: {
                headline: `Engineer ${start + i}`,
                skills: ['typescript', ...(start + i < 10 ? ['cobol'] : [])],
                employmentHistory: [
                  { employer: 'Acme', title: 'Engineer', from: '2020-01' },
                  { employer: 'Globex', title: 'Intern', from: '2018-01', to: '2019-12' },
                ],
              },
            },
            person.token,
          );
          expect(profile.body.errors).toBeUndefined();
          const consent = await graph.query('mutation { grantConsent(input: { purpose: CANDIDATE_DISCOVERY, policyVersion: "2026-01" }) { status } }', {}, person.token);
          expect(consent.body.errors).toBeUndefined();
        }),
      );
    }
    const hiring = graph.subgraphs.hiring;
    const waitStarted = Date.now();
    // Generous: the consent subgraph's outbox relay publishes a few hundred decisions slowly on FerretDB.
    await eventually(() => {
      const granted = people.filter((person) => hiring.consent.isGranted(person.id, 'CANDIDATE_DISCOVERY')).length;
      if (granted !== 200) throw new Error(`${granted}/200 CANDIDATE_DISCOVERY in hiring`);
    }, 120_000).catch(async (error) => {
      const states = graph.subgraphs.consent.services.states;
      console.log('DEBUG consent docs', await states.countDocuments({ purpose: 'CANDIDATE_DISCOVERY' }), 'granted', await states.countDocuments({ purpose: 'CANDIDATE_DISCOVERY', status: 'GRANTED' }), 'pending outbox', await states.countDocuments({ '_outbox.0': { $exists: true } }));
      throw error;
    });
    console.log(`200 consent decisions reached hiring's projection in ${Date.now() - waitStarted} ms after the last grant`);

    const admin = await graph.signUp('n1_admin');
    const orgId = (await graph.query('mutation { createOrganization(input: { name: "Counting" }) { id } }', {}, admin.token)).body.data.createOrganization.id;
    await graph.query('mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: orgId }, undefined, { 'x-operator-token': graph.operatorToken });
    const key = await graph.query('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', { input: { organizationId: orgId, name: 'search', scopes: ['CANDIDATES_SEARCH'] } }, admin.token);
    const headers = { 'x-api-key': key.body.data.createApiKey.secret as string };

    // Warm up once: the gateway resolves and caches the key (one identity read), outside the counts.
    expect((await graph.query(SEARCH, { skill: 'cobol' }, undefined, headers)).body.data.candidates.nodes).toHaveLength(10);
    await hiring.relay.flush();
    await graph.subgraphs.identity.relay.flush();

    const measure = async (skill: string) => {
      const counter = countCommands({ hiring: hiring.db, identity: graph.subgraphs.identity.db });
      const response = await graph.query(SEARCH, { skill }, undefined, headers);
      counter.stop();
      expect(response.body.data.candidates.nodes.every((node: any) => node.user.handle.startsWith('n1_'))).toBe(true);
      return { n: response.body.data.candidates.nodes.length, nodes: response.body.data.candidates.nodes, commands: counter.seen, errors: response.body.errors ?? [] };
    };
    const ten = await measure('cobol');
    const twoHundred = await measure('typescript');
    console.log(
      `MongoDB commands for candidate search: N=${ten.n}: ${ten.commands.length} [${ten.commands.join(', ')}]; N=${twoHundred.n}: ${twoHundred.commands.length} [${twoHundred.commands.join(', ')}]`,
    );
    expect(ten.n).toBe(10);
    expect(twoHundred.n).toBe(200);
    // Every card field is there (all consented to CANDIDATE_DISCOVERY), the current title read from the history in memory.
    expect(twoHundred.errors).toEqual([]);
    expect(twoHundred.nodes.every((node: any) => node.currentTitle === 'Engineer' && node.skills.includes('typescript'))).toBe(true);
    // The same queries for both sizes: one per subgraph collection read. The driver may add a getMore
    // when a reply exceeds its first batch (101 documents); that is per batch, not per person.
    // The search only reads. Writes in the window are background work still catching up with the setup under load
    // (sign-up consumers, the outbox relay), and so are tombstone lookups (`erased_users`: the consent projections'
    // poll and guarded writes; reads never consult tombstones): none of them is the search's.
    const queries = (commands: string[]) =>
      commands.filter((command) => /:(find|aggregate|count|distinct):/.test(command) && !command.endsWith(':erased_users')).sort();
    expect(queries(twoHundred.commands)).toEqual(queries(ten.commands));
    expect(queries(twoHundred.commands)).toEqual(['hiring:find:hiring_profiles', 'identity:find:users']);
    expect(twoHundred.commands.filter((command) => command.includes(':getMore:')).length).toBeLessThanOrEqual(2);
  }, 300_000);
});
