import type { ConsentSnapshot } from '@profile-graph/kit';
import { eventually } from '@profile-graph/kit/testing';
import { becomeEmployerOf } from '../support/becomeEmployerOf';
import { startInstances, type GraphInstance, type GraphInstances } from '../support/startInstances';

const GRANT = 'mutation { grantConsent(input: { purpose: EMPLOYER_SHARING, policyVersion: "2026-01" }) { status } }';
const WITHDRAW = 'mutation { withdrawConsent(purpose: EMPLOYER_SHARING) { status } }';
const SKILLS = 'query($id: ID!) { user(id: $id) { id hiringProfile { skills } } }';
const DURABLE = 'hiring-user-created';
const SIGN_UPS = 20;
const CONCURRENCY = 4;

/** events_handled_total{durable, outcome} of one subgraph instance. */
async function handled(subgraph: GraphInstance['subgraphs']['hiring'], outcome: 'ok' | 'retry'): Promise<number> {
  const { values } = await subgraph.metrics.eventsHandled.get();
  return values.find((v) => v.labels.durable === DURABLE && v.labels.outcome === outcome)?.value ?? 0;
}

// Two instances of every subgraph and two gateways (gateway A -> instances A,
// gateway B -> instances B) on one NATS and one set of databases. Consent
// state must reach every instance (each has its own projection, fed by an
// ordered ephemeral consumer), while work behind a shared durable consumer is
// done once per event, by whichever instance gets it.
//
// FerretDB updates are read-then-write across processes (CONTRIBUTING), so
// this test never has two instances write different content to one document
// at the same time: each user's writes go through one gateway, and a consent
// change waits for the previous one to have left its outbox. What two
// instances still share (both relays clearing the same outbox, both
// projections persisting the same snapshot) writes identical content.
describe('two instances of every subgraph and two gateways', () => {
  let graph: GraphInstances;
  let a: GraphInstance;
  let b: GraphInstance;
  const allSubgraphs = () => graph.instances.flatMap((instance, i) => Object.entries(instance.subgraphs).map(([name, subgraph]) => ({ name: `${name}#${i}`, subgraph })));

  beforeAll(async () => {
    graph = await startInstances(2);
    [a, b] = graph.instances as [GraphInstance, GraphInstance];
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
  });

  it('creates exactly one hiring profile per sign-up across both gateways, each event handled once by one of the two hiring instances', async () => {
    const hirings = [a.subgraphs.hiring, b.subgraphs.hiring];
    const okBefore = (await Promise.all(hirings.map((h) => handled(h, 'ok')))).reduce((x, y) => x + y, 0);

    // N sign-ups, alternating gateways, a few at a time.
    const users: { id: string; token: string; via: 'A' | 'B' }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SIGN_UPS) {
          const index = next++;
          const via = index % 2 === 0 ? 'A' : 'B';
          users.push({ ...(await (via === 'A' ? a : b).signUp(`many_${index}`)), via });
        }
      }),
    );
    const ids = users.map((user) => user.id);
    expect(new Set(ids).size).toBe(SIGN_UPS);

    // Exactly N profiles (keyed by user id, so never two for one user), and the durable drained: nothing more will come.
    const jsm = await (await graph.env.bus('admin')).nc.jetstreamManager();
    await eventually(async () => {
      expect(await a.subgraphs.hiring.services.profiles.countDocuments({ _id: { $in: ids } })).toBe(SIGN_UPS);
      const info = await jsm.consumers.info('IDENTITY', DURABLE);
      expect({ pending: info.num_pending, unacked: info.num_ack_pending }).toEqual({ pending: 0, unacked: 0 });
    }, 15_000, 50);
    expect(await b.subgraphs.hiring.services.profiles.countDocuments({ _id: { $in: ids } })).toBe(SIGN_UPS);

    // One durable for both instances, and one event per user in the stream (both identity relays may publish an outbox entry; JetStream de-duplicates by event id).
    const durables = [];
    for await (const consumer of jsm.consumers.list('IDENTITY')) durables.push(consumer.name);
    expect(durables.filter((name) => name === DURABLE)).toHaveLength(1);
    const stream = await jsm.streams.info('IDENTITY', { subjects_filter: 'identity.v1.user.created' });
    expect(stream.state.subjects?.['identity.v1.user.created']).toBe(SIGN_UPS);

    // Not doubled: across both hiring instances the handler succeeded exactly once per sign-up, and never had to retry.
    const perInstance = await Promise.all(hirings.map((h) => handled(h, 'ok')));
    expect(perInstance.reduce((x, y) => x + y, 0) - okBefore).toBe(SIGN_UPS);
    expect(await Promise.all(hirings.map((h) => handled(h, 'retry')))).toEqual([0, 0]);
    expect((await jsm.consumers.info('IDENTITY', DURABLE)).num_redelivered).toBe(0);
    // How the work was split is JetStream's choice (pull requests from both instances); reported, not asserted.
    console.log(`${DURABLE}: ${SIGN_UPS} sign-ups (${users.filter((u) => u.via === 'A').length} via A, ${users.filter((u) => u.via === 'B').length} via B) handled by hiring#0: ${perInstance[0]}, hiring#1: ${perInstance[1]}`);
  }, 45_000);

  it('delivers every consent event to every instance`s projection: a grant is seen through both gateways, a withdrawal denied by both within 1 s', async () => {
    const subject = await a.signUp('many_subject', 'Ada');
    const observer = await b.signUp('many_observer', 'Eve');
    await eventually(async () => {
      const response = await a.query('mutation { updateHiringProfile(input: { headline: "x", skills: ["go"] }) { headline } }', {}, subject.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
    });
    // The observer employs the subject (an application stands): a recipient of EMPLOYER_SHARING, so consent decides.
    await becomeEmployerOf(a.query, observer, [subject]);
    const read = (instance: GraphInstance) => instance.query(SKILLS, { id: subject.id }, observer.token);
    const codes = async (instance: GraphInstance) => ((await read(instance)).body.errors ?? []).map((error) => error.extensions?.code);
    expect(await codes(a)).toEqual(['CONSENT_REQUIRED']);
    expect(await codes(b)).toEqual(['CONSENT_REQUIRED']);

    // Several users grant, through either gateway (so through either consent instance).
    const granters = [subject];
    for (let i = 0; i < 4; i++) granters.push(await (i % 2 === 0 ? a : b).signUp(`many_granter_${i}`));
    for (const [i, granter] of granters.entries()) {
      const response = await (i % 2 === 0 ? a : b).query(GRANT, {}, granter.token);
      expect(response.body.data?.grantConsent?.status).toBe('GRANTED');
    }
    // Every one of the eight projections has every grant.
    await eventually(() => {
      for (const { name, subgraph } of allSubgraphs()) {
        expect({ name, missing: granters.filter((g) => !subgraph.consent.isGranted(g.id, 'EMPLOYER_SHARING')).map((g) => g.id) }).toEqual({ name, missing: [] });
      }
    }, 5_000);
    // ...so both gateways, each through its own identity and hiring instances, show the subject's skills to the observer.
    for (const instance of [a, b]) expect((await read(instance)).body).toEqual({ data: { user: { id: subject.id, hiringProfile: { skills: ['go'] } } } });

    // The grant has left the consent document's outbox before the withdrawal writes it again (no two writers on one document).
    const states = a.subgraphs.consent.services.states;
    await eventually(async () => {
      const docs = await states.find({ userId: subject.id }).lean();
      expect(docs.length).toBeGreaterThan(0);
      expect(docs.flatMap((doc) => (doc as { _outbox?: unknown[] })._outbox ?? [])).toEqual([]);
    });

    const withdrawnAt = new Map<string, number>();
    const offs = allSubgraphs().map(({ name, subgraph }) =>
      subgraph.consent.onChange((snapshot: ConsentSnapshot) => {
        if (snapshot.userId === subject.id && snapshot.status === 'WITHDRAWN') withdrawnAt.set(name, Date.now());
      }),
    );
    try {
      const started = Date.now();
      const withdrawn = await a.query(WITHDRAW, {}, subject.token);
      expect(withdrawn.body.data?.withdrawConsent?.status).toBe('WITHDRAWN');
      // Both gateways deny within 1 s of the withdrawal.
      await eventually(async () => {
        expect(await codes(a)).toEqual(['CONSENT_REQUIRED']);
        expect(await codes(b)).toEqual(['CONSENT_REQUIRED']);
      }, 1_000);
      const bothDenied = Date.now() - started;
      expect(bothDenied).toBeLessThan(1_000);
      // And every instance's projection learned it, within the same second.
      await eventually(() => expect([...withdrawnAt.keys()].sort()).toEqual(allSubgraphs().map(({ name }) => name).sort()), 1_000);
      const slowest = Math.max(...[...withdrawnAt.values()].map((at) => at - started));
      expect(slowest).toBeLessThan(1_000);
      console.log(`withdrawal: denied through both gateways after ${bothDenied} ms; slowest of 8 projections ${slowest} ms`);
    } finally {
      for (const off of offs) off();
    }
    // The other grants are untouched everywhere.
    for (const { subgraph } of allSubgraphs()) expect(granters.slice(1).every((g) => subgraph.consent.isGranted(g.id, 'EMPLOYER_SHARING'))).toBe(true);
  }, 45_000);
});
