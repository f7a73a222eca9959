import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

// One query through the gateway that touches all four subgraphs, on real
// NATS and a real MongoDB-wire server.
describe('a signed-in user profile across identity, hiring, consent and calls', () => {
  let graph: TestGraph;

  beforeAll(async () => {
    graph = await startGraph();
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('joins the data of every subgraph in one response', async () => {
    const ada = await graph.signUp('ada_e2e', 'Ada Lovelace');
    const grace = await graph.signUp('grace_e2e', 'Grace Hopper');

    const profile = await graph.query(
      'mutation($input: HiringProfileInput!) { updateHiringProfile(input: $input) { headline skills } }',
      { input: { headline: 'Analytical engines', skills: [' Mathematics', 'mathematics', 'Poetry'] } },
      ada.token,
    );
    expect(profile.body.errors).toBeUndefined();
    expect(profile.body.data.updateHiringProfile).toEqual({ headline: 'Analytical engines', skills: ['mathematics', 'poetry'] });

    const consent = await graph.query(
      'mutation { grantConsent(input: { purpose: EMPLOYER_SHARING, policyVersion: "2026-11" }) { purpose status policyVersion } }',
      {},
      ada.token,
    );
    expect(consent.body.data.grantConsent).toEqual({ purpose: 'EMPLOYER_SHARING', status: 'GRANTED', policyVersion: '2026-11' });

    // The callee reaches the calls subgraph's user projection by event; retry until it has.
    const call = await eventually(async () => {
      const response = await graph.query('mutation { startCall(calleeHandle: "GRACE_E2E", kind: VIDEO) { id status } }', {}, ada.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      return response.body.data.startCall;
    });
    expect(call.status).toBe('RINGING');

    const me = await graph.query(
      `query {
        me {
          id handle displayName
          hiringProfile { headline skills }
          consents { purpose status }
          recentCalls(first: 5) { id kind participants { handle displayName } }
        }
      }`,
      {},
      ada.token,
    );
    expect(me.body.errors).toBeUndefined();
    const data = me.body.data.me;
    expect(data).toMatchObject({ id: ada.id, handle: 'ada_e2e', displayName: 'Ada Lovelace' });
    expect(data.hiringProfile).toEqual({ headline: 'Analytical engines', skills: ['mathematics', 'poetry'] });
    expect(data.consents).toContainEqual({ purpose: 'EMPLOYER_SHARING', status: 'GRANTED' });
    expect(data.consents).toContainEqual({ purpose: 'AD_PERSONALIZATION', status: 'NEVER_GRANTED' });
    expect(data.recentCalls).toEqual([
      {
        id: call.id,
        kind: 'VIDEO',
        participants: [
          { handle: 'ada_e2e', displayName: 'Ada Lovelace' },
          { handle: 'grace_e2e', displayName: 'Grace Hopper' },
        ],
      },
    ]);
    expect(grace.id).not.toBe(ada.id);
  });

  it('answers anonymous viewers with public data only, and a bad bearer with 401', async () => {
    const anonymous = await graph.query('query { me { id } userByHandle(handle: "ADA_E2E") { handle } }');
    expect(anonymous.body.data).toEqual({ me: null, userByHandle: { handle: 'ada_e2e' } });

    const forged = await graph.query('query { me { id } }', {}, 'not-a-token');
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const before = await graph.subgraphs.identity.services.users.countDocuments();
    const response = await graph.query('mutation { signUp(input: { handle: "x", password: "correct horse battery", displayName: "X" }) { token } }');
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toMatch(/^handle:/);
    expect(await graph.subgraphs.identity.services.users.countDocuments()).toBe(before);
  });
});
