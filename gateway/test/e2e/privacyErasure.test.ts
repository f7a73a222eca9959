import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { ERASURE_REQUESTED_SUBJECT } from '@profile-graph/core';
import { createEvent } from '@profile-graph/kit';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { collectionsMentioning, seedPrivacyWorld, type PrivacyWorld } from './privacySeed';

// Issue 8, part 2: deleteMyAccount is a saga over NATS. consent records the
// request and publishes privacy.v1.erasure.requested; each subgraph erases
// its part (one shared durable consumer each) and reports
// privacy.v1.erasure.completed. Here hiring is down while the saga runs and
// a new instance with the same config finishes it; afterwards no database
// holds the user's id but the minimal erasure record.

const DELETE = 'mutation { deleteMyAccount { id kind status progress { subgraph status } } }';
const REQUEST = 'query($id: ID!) { privacyRequest(id: $id) { id kind status requestedAt completedAt progress { subgraph status completedAt removed } } }';

describe('deleteMyAccount', () => {
  let graph: TestGraph;
  let world: PrivacyWorld;

  beforeAll(async () => {
    graph = await startGraph();
    world = await seedPrivacyWorld(graph, 'era');
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
  });

  const stepStatus = async (id: string) => {
    const response = await graph.query(REQUEST, { id });
    expect(response.body.errors).toBeUndefined();
    const request = response.body.data.privacyRequest;
    return { status: request.status, steps: Object.fromEntries(request.progress.map((step: any) => [step.subgraph, step.status])), request };
  };

  it('completes after the hiring instance is gone midway and a new one starts, leaving only the minimal erasure record', async () => {
    const { ada, bob } = world;
    const hiringPort = Number(new URL(graph.subgraphUrls.hiring).port);
    await graph.subgraphs.hiring.close();

    // Asked three times at once: one request.
    const asked = await Promise.all([1, 2, 3].map(() => graph.query(DELETE, {}, ada.token)));
    for (const response of asked) expect(response.body.errors).toBeUndefined();
    const ids = new Set(asked.map((response) => response.body.data.deleteMyAccount.id));
    expect(ids.size).toBe(1);
    const requestId = [...ids][0] as string;
    expect(asked[0]!.body.data.deleteMyAccount).toMatchObject({ kind: 'ERASURE', status: 'IN_PROGRESS' });

    // The others finish; hiring's part waits on the stream.
    await eventually(async () => {
      const { steps } = await stepStatus(requestId);
      expect(steps).toEqual({ identity: 'COMPLETED', hiring: 'PENDING', consent: 'COMPLETED', calls: 'COMPLETED' });
    }, 10_000);
    expect((await stepStatus(requestId)).status).toBe('IN_PROGRESS');
    // Operators see it open (not yet overdue) with the operator token; a user's token sees no list.
    const OPEN = '{ openPrivacyRequests { id status overdue dueAt } }';
    const open = await graph.query(OPEN, {}, undefined, { 'x-operator-token': graph.operatorToken });
    expect(open.body.data.openPrivacyRequests).toEqual([{ id: requestId, status: 'IN_PROGRESS', overdue: false, dueAt: expect.any(String) }]);
    const refused = await graph.query(OPEN, {}, bob.token);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    // Identity revoked the sessions: every gateway refuses Ada's token.
    await eventually(async () => {
      const me = await graph.query('{ me { id } }', {}, ada.token);
      expect(me.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    // A new hiring instance with the same config picks the request up from its durable consumer.
    const hiring = await createHiring(loadHiringConfig(graph.env.subgraphEnv('hiring')));
    await hiring.listen(hiringPort);
    graph.subgraphs.hiring = hiring;
    const done = await eventually(async () => {
      const state = await stepStatus(requestId);
      expect(state.status).toBe('COMPLETED');
      return state.request;
    }, 15_000);
    expect(done.completedAt).toEqual(expect.any(String));
    expect((await graph.query(OPEN, {}, undefined, { 'x-operator-token': graph.operatorToken })).body.data.openPrivacyRequests).toEqual([]);
    const removed = Object.fromEntries(done.progress.map((step: any) => [step.subgraph, step.removed]));
    expect(removed.identity).toMatchObject({ accounts: 1, sessions: expect.any(Number), organizationMemberships: 1, apiKeysAnonymized: 1 });
    expect(removed.hiring).toMatchObject({ profiles: 1, jobSearchActivity: 2, applications: 1, jobsAnonymized: 1 });
    expect(removed.consent).toMatchObject({ consentStates: 4, accessLogEntries: expect.any(Number), consentSnapshotsPurged: 4 });
    expect(removed.calls).toMatchObject({ callsAnonymized: 1 });

    // Delivered again (a replay, a second instance): every subgraph finds its receipt and does nothing.
    await graph.subgraphs.consent.bus.publish(createEvent(ERASURE_REQUESTED_SUBJECT, { requestId, userId: ada.id }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await graph.subgraphs.consent.services.privacyProgress.countDocuments({ requestId })).toBe(4);
    for (const subgraph of Object.values(graph.subgraphs)) expect(await subgraph.db.collection('privacy_erasures').countDocuments({ _id: requestId as never })).toBe(1);

    // The sweep: every collection of every subgraph database, outboxes included.
    await Promise.all(Object.values(graph.subgraphs).map((subgraph) => subgraph.relay.flush()));
    const left: Record<string, Record<string, unknown[]>> = {};
    for (const [name, subgraph] of Object.entries(graph.subgraphs)) {
      const found = await collectionsMentioning(subgraph.db, ada.id);
      if (Object.keys(found).length) left[name] = found;
    }
    // Each subgraph's erasure tombstone (id and time only): every consumer and write path checks it, so a late or
    // replayed event cannot bring the user back.
    const tombstone = { erased_users: [{ _id: ada.id, erasedAt: expect.any(Date) }] };
    expect(left).toEqual({
      identity: tombstone,
      hiring: tombstone,
      // The minimal erasure record: who asked to be erased, and when.
      consent: { ...tombstone, privacy_requests: [{ _id: requestId, userId: ada.id, kind: 'ERASURE', requestedAt: expect.any(Date), dueAt: expect.any(Date), _outbox: [], _outboxSeq: 1 }] },
      // calls' handle tombstone too: the handle is released, and a late identity.v1.user.created cannot bring the user back.
      calls: { ...tombstone, users: [{ _id: ada.id, handleLower: `deleted:${ada.id}`, deletedAt: expect.any(Date) }] },
    });
    for (const [name, subgraph] of Object.entries(graph.subgraphs)) {
      for (const text of [ada.handle, 'Ada unique headline', 'Ada Labs employer']) {
        expect({ name, text, found: Object.keys(await collectionsMentioning(subgraph.db, text)) }).toEqual({ name, text, found: [] });
      }
    }
    // Ada's last-value consent snapshots are gone from the stream too (no projection rebuilds them).
    const jsm = await graph.subgraphs.consent.bus.nc.jetstreamManager();
    const info = await jsm.streams.info('CONSENT_STATE', { subjects_filter: `consent.v1.state.${ada.id}.>` });
    expect(info.state.subjects ?? {}).toEqual({});

    // Bob keeps everything of his: his profile, his application, the call (without Ada), his consents.
    expect(await graph.subgraphs.hiring.services.profiles.countDocuments({ _id: bob.id })).toBe(1);
    expect(await graph.subgraphs.hiring.services.applications.countDocuments({ candidateId: bob.id })).toBe(1);
    expect(await graph.subgraphs.calls.services.calls.findById(world.callId).lean()).toMatchObject({ callerId: null, calleeId: bob.id, participantIds: [bob.id], anonymized: true });
    expect(await graph.subgraphs.consent.services.states.countDocuments({ userId: bob.id })).toBe(4);
    const bobs = await graph.query('{ me { handle privacyRequests { id } } }', {}, bob.token);
    expect(bobs.body).toEqual({ data: { me: { handle: bob.handle, privacyRequests: [] } } });
  }, 80_000);

  it('lists the request under me { privacyRequests } while the account exists', async () => {
    const cleo = { ...(await graph.signUp('era_cleo')), handle: 'era_cleo' };
    const deleting = await graph.query(DELETE, {}, cleo.token);
    const requestId = deleting.body.data.deleteMyAccount.id;
    // identity erases within milliseconds, so either the request is listed or the account (and its sessions) are gone.
    const me = await graph.query('{ me { id privacyRequests { id kind status } } }', {}, cleo.token);
    if (me.body.data?.me) expect(me.body.data.me.privacyRequests).toEqual([{ id: requestId, kind: 'ERASURE', status: expect.stringMatching(/IN_PROGRESS|COMPLETED/) }]);
    else expect(me.body.errors?.[0]?.extensions?.code ?? 'gone').toMatch(/UNAUTHENTICATED|gone/);
    await eventually(async () => expect((await stepStatus(requestId)).status).toBe('COMPLETED'), 10_000);
    expect(await graph.query(REQUEST, { id: 'not-a-request' })).toMatchObject({ body: { data: { privacyRequest: null } } });
  });
});
