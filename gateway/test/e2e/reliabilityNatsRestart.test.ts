import { eventually, postGraphQL } from '@profile-graph/kit/testing';
import { becomeEmployerOf } from '../support/becomeEmployerOf';
import { startGraph, type TestGraph } from '../support/startGraph';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }';
const GRANT = 'mutation { grantConsent(input: { purpose: EMPLOYER_SHARING, policyVersion: "2026-01" }) { status } }';
const SKILLS = 'query($id: ID!) { user(id: $id) { id hiringProfile { skills } } }';
const ME = 'query { me { id handle hiringProfile { headline } } }';
const PARTNER_ORG = '{ partnerOrganization { id } }';
/** The same read as SKILLS, asked of hiring directly as the gateway would (the gateway itself refuses user tokens during the outage). */
const ENTITY_SKILLS = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { hiringProfile { skills } } } }';

/** How long the bus may be gone before consent enforcement stops vouching for its projection. */
const STALE_AFTER_MS = 500;
/** The deliberate outage: NATS is down this long while the load keeps going. */
const OUTAGE_MS = 1_500;
/** The gateway gives up on a subgraph after this (so a stuck subgraph call becomes SERVICE_UNAVAILABLE, not a hang)... */
const UPSTREAM_TIMEOUT_MS = 6_000;
/**
 * ...and every request must be answered within this, outage or not. Right after the restart the relays
 * publish what queued up during the outage, and on FerretDB their outbox writes share a queue with new
 * writes of the same model: sign-ups then take up to a few seconds (observed up to ~3.5 s).
 */
const ANSWER_WITHIN_MS = UPSTREAM_TIMEOUT_MS + 1_000;
const WORKERS = 4;
/** Load operations (a sign-up, and a grant for every other user) before the outage, and again after the restart. */
const OPS_PER_PHASE = 10;
/** Bound on the operations started during the outage (the load is otherwise paced by the server); past it, workers wait for the restart. */
const MAX_OUTAGE_OPS = 100;
const HANDLE_PREFIX = 'nr_';

type Phase = 'before' | 'outage' | 'after';
type ErrorBody = { message: string; extensions?: Record<string, unknown> };
interface Sent {
  label: string;
  phase: Phase;
  ms: number;
  status?: number;
  codes: string[];
  body?: { data?: any; errors?: ErrorBody[] };
  /** Set when no answer came at all (refused connection, or aborted after twice the bound). */
  failure?: string;
}

// NATS goes away in the middle of a load through the gateway and comes back
// on the same port with the same store: everyone reconnects by themselves,
// the durable consumers resume, nothing written during the outage is lost,
// and consent enforcement refuses (CONSENT_UNAVAILABLE) rather than guesses
// while it cannot vouch for its projection; the gateway, which cannot hear
// revocations meanwhile, refuses user tokens and API keys (SERVICE_UNAVAILABLE).
describe('NATS restarted during load', () => {
  let graph: TestGraph;
  let natsDown = false;
  let phase: Phase = 'before';
  const sent: Sent[] = [];
  let observer: { id: string; token: string };
  let granted: { id: string; token: string };
  let ungranted: { id: string; token: string };
  let partnerKey: string;
  /** Ends the load loop (also when an assertion failed midway, so no worker keeps sending after the test). */
  let stopLoad = () => {};

  /** POSTs through the gateway, timing the answer and recording it (the load's and the probes' requests alike). */
  async function send(label: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Sent> {
    const record: Sent = { label, phase, ms: 0, codes: [] };
    const started = Date.now();
    try {
      const response = await fetch(graph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(2 * ANSWER_WITHIN_MS),
      });
      record.status = response.status;
      const text = await response.text();
      try {
        record.body = JSON.parse(text);
      } catch {
        record.failure = `non-JSON ${response.status}: ${text.slice(0, 200)}`;
      }
      record.codes = (record.body?.errors ?? []).map((error) => String(error.extensions?.code ?? 'NO_CODE'));
    } catch (error) {
      record.failure = (error as Error).message;
    }
    record.ms = Date.now() - started;
    sent.push(record);
    return record;
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const codesOf = (record: Sent) => record.codes;
  const readSkills = (subject: { id: string }) => send('probe: gated read', SKILLS, { id: subject.id }, bearer(observer.token));
  const readSkillsAtHiring = async (subject: { id: string }) => {
    const response = await postGraphQL(graph.subgraphUrls.hiring, ENTITY_SKILLS, { r: [{ __typename: 'User', id: subject.id }] }, await graph.env.viewerHeaders({ kind: 'user', userId: observer.id, scopes: [] }, 'hiring'));
    return (response.body.errors ?? []).map((error) => String(error.extensions?.code ?? 'NO_CODE'));
  };
  const readiness = async (name: keyof TestGraph['subgraphUrls']) => {
    const response = await fetch(graph.subgraphUrls[name].replace('/graphql', '/ready'));
    return { status: response.status, checks: ((await response.json()) as { checks: Record<string, boolean> }).checks };
  };

  beforeAll(async () => {
    graph = await startGraph({ CONSENT_STALE_AFTER_MS: String(STALE_AFTER_MS), STARTUP_TIMEOUT_MS: '5000', UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) });
    observer = await graph.signUp('nats_observer', 'Eve');
    granted = await graph.signUp('nats_granted', 'Ada');
    ungranted = await graph.signUp('nats_ungranted', 'Grace');
    for (const subject of [granted, ungranted]) {
      const response = await graph.query('mutation { updateHiringProfile(input: { headline: "x", skills: ["go"] }) { headline } }', {}, subject.token);
      expect(response.body.errors).toBeUndefined();
    }
    expect((await graph.query(GRANT, {}, granted.token)).body.errors).toBeUndefined();
    // The observer employs both subjects (their applications stand): a recipient of EMPLOYER_SHARING, so consent decides.
    await becomeEmployerOf(graph.query, observer, [granted, ungranted]);

    const admin = await graph.signUp('nats_admin', 'Admin');
    const org = await graph.query('mutation { createOrganization(input: { name: "Restart Inc" }) { id } }', {}, admin.token);
    const orgId = org.body.data.createOrganization.id as string;
    await graph.query('mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: orgId }, undefined, { 'x-operator-token': graph.operatorToken });
    const key = await graph.query(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { organizationId: orgId, name: 'ats', scopes: ['JOBS_READ'] } },
      admin.token,
    );
    partnerKey = key.body.data.createApiKey.secret as string;

    // The baseline the outage is compared with: the grant has reached hiring, the key works.
    await eventually(async () => expect((await readSkills(granted)).body?.data?.user?.hiringProfile?.skills).toEqual(['go']));
    expect(codesOf(await readSkills(ungranted))).toEqual(['CONSENT_REQUIRED']);
    await eventually(async () => expect((await send('probe: partner', PARTNER_ORG, {}, { 'x-api-key': partnerKey })).body?.data?.partnerOrganization?.id).toBe(orgId));
    sent.length = 0;
  }, 60_000);

  afterAll(async () => {
    stopLoad();
    // Closing clients drain their NATS connections: give them a server to drain to.
    if (natsDown) await graph?.env.nats.restart();
    await graph?.stop();
  });

  it('keeps answering without 500s or hangs, fails consent closed while NATS is away, and loses nothing once it is back', async () => {
    // The load: distinct sign-ups, and a consent grant by every other new user, a few at a time.
    let issued = 0;
    let completedAfterRestart = 0;
    let completed = 0;
    let enough = false;
    let outageOps = 0;
    let restarted!: () => void;
    const restartedPromise = new Promise<void>((resolve) => (restarted = resolve));
    stopLoad = () => {
      enough = true;
      restarted();
    };
    const grantsAccepted: string[] = [];
    const worker = async () => {
      while (!enough) {
        if (phase === 'outage' && ++outageOps > MAX_OUTAGE_OPS) {
          await restartedPromise;
          continue;
        }
        const index = issued++;
        const handle = `${HANDLE_PREFIX}${index}`;
        const signUp = await send('load: signUp', SIGN_UP, { input: { handle, password: 'correct horse battery', displayName: handle } });
        const created = signUp.body?.data?.signUp as { token: string; user: { id: string } } | undefined;
        if (created && index % 2 === 0) {
          const grant = await send('load: grantConsent', GRANT, {}, bearer(created.token));
          if (grant.body?.data?.grantConsent?.status === 'GRANTED') grantsAccepted.push(created.user.id);
        }
        completed++;
        if (phase === 'after') completedAfterRestart++;
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, worker));

    await eventually(() => expect(completed).toBeGreaterThanOrEqual(OPS_PER_PHASE), 20_000);
    await graph.env.nats.stop();
    natsDown = true;
    phase = 'outage';
    const outageStarted = Date.now();

    // While it is away: readiness says so, and a gated read by someone else is refused once the projection is stale.
    for (const name of ['identity', 'hiring', 'consent', 'calls'] as const) {
      await eventually(async () => {
        const ready = await readiness(name);
        expect(ready.status).toBe(503);
        expect(ready.checks.nats).toBe(false);
      }, OUTAGE_MS, 50);
    }
    await eventually(async () => {
      expect(await readSkillsAtHiring(granted)).toEqual(['CONSENT_UNAVAILABLE']);
      expect(await readSkillsAtHiring(ungranted)).toEqual(['CONSENT_UNAVAILABLE']);
    }, OUTAGE_MS, 50);
    // The gateway refuses the user token before any subgraph: a sign-out during the outage could not reach it.
    const userDuringOutage = await readSkills(granted);
    expect(userDuringOutage.status).toBe(503);
    expect(codesOf(userDuringOutage)).toEqual(['SERVICE_UNAVAILABLE']);
    // The gateway cannot check API keys without NATS (revocations might be missed): refused, clearly.
    const partnerDuringOutage = await send('probe: partner', PARTNER_ORG, {}, { 'x-api-key': partnerKey });
    expect(codesOf(partnerDuringOutage)).toEqual(['SERVICE_UNAVAILABLE']);
    // The deliberate outage window: the load keeps running through it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    const sentDuringOutage = sent.filter((record) => record.phase === 'outage' && record.label.startsWith('load:')).length;

    await graph.env.nats.restart();
    natsDown = false;
    phase = 'after';
    restarted();
    await eventually(() => expect(completedAfterRestart).toBeGreaterThanOrEqual(OPS_PER_PHASE), 20_000);
    enough = true;
    await load;

    // Every request was answered in time, and none with a 500 or an unnamed error.
    expect(sent.filter((record) => record.failure !== undefined).map((record) => `${record.label} (${record.phase}): ${record.failure}`)).toEqual([]);
    expect(Math.max(...sent.map((record) => record.ms))).toBeLessThan(ANSWER_WITHIN_MS);
    expect(sent.filter((record) => record.status === 500 || record.codes.includes('INTERNAL_SERVER_ERROR') || record.codes.includes('NO_CODE'))).toEqual([]);
    expect(sentDuringOutage).toBeGreaterThan(0);

    // Everyone reconnected by themselves: subgraphs ready again, a partner-free request works, and the gateway's own NATS link (API keys) is back.
    for (const name of ['identity', 'hiring', 'consent', 'calls'] as const) {
      await eventually(async () => expect(await readiness(name)).toEqual({ status: 200, checks: expect.objectContaining({ nats: true, consent: true }) }), 15_000, 100);
    }
    const me = await send('probe: me', ME, {}, bearer(observer.token));
    expect(me.body).toEqual({ data: { me: { id: observer.id, handle: 'nats_observer', hiringProfile: { headline: null } } } });
    await eventually(async () => expect((await send('probe: partner', PARTNER_ORG, {}, { 'x-api-key': partnerKey })).codes).toEqual([]), 10_000, 100);

    // Consent enforcement recovered: the same reads give the data with consent, CONSENT_REQUIRED without.
    await eventually(async () => {
      expect((await readSkills(granted)).body).toEqual({ data: { user: { id: granted.id, hiringProfile: { skills: ['go'] } } } });
      expect(codesOf(await readSkills(ungranted))).toEqual(['CONSENT_REQUIRED']);
    }, 10_000, 100);

    // Nothing lost. Events in: every user identity stored (whatever its sign-up answered) left in a user.created event.
    const identity = graph.subgraphs.identity.services.users;
    const hiring = graph.subgraphs.hiring;
    const stored = await identity.find({ handle: { $regex: `^${HANDLE_PREFIX}` } }).select({ _id: 1 }).lean();
    const storedIds = stored.map((user) => String(user._id));
    const signedUp = sent.filter((record) => record.label === 'load: signUp' && record.body?.data?.signUp).map((record) => String(record.body!.data.signUp.user.id));
    expect(storedIds).toEqual(expect.arrayContaining(signedUp));
    await eventually(async () => {
      const outboxes = await identity.find({ _id: { $in: storedIds } }).select({ _outbox: 1 }).lean();
      expect(outboxes.filter((user) => ((user as { _outbox?: unknown[] })._outbox ?? []).length > 0)).toEqual([]);
    }, 10_000, 100);
    const allUsers = await identity.countDocuments();
    const jsm = await (await graph.env.bus('admin')).nc.jetstreamManager();
    const stream = await jsm.streams.info('IDENTITY', { subjects_filter: 'identity.v1.user.created' });
    expect(stream.state.subjects?.['identity.v1.user.created']).toBe(allUsers);

    // Effects out: the shared durable delivered everything and every stored user has its hiring profile
    // (one at most: profiles are keyed by the user id). A message handed over just before the server went
    // down, or whose ack was lost with the connection, comes back after the durable's ack_wait (30 s): hence
    // the long bound here; it is normally met at once.
    await eventually(async () => {
      expect((await jsm.consumers.info('IDENTITY', 'hiring-user-created')).num_pending).toBe(0);
      expect(await hiring.services.profiles.countDocuments({ _id: { $in: storedIds } })).toBe(storedIds.length);
    }, 35_000, 100);
    const durable = await jsm.consumers.info('IDENTITY', 'hiring-user-created');
    const handled = (await hiring.metrics.eventsHandled.get()).values.find((v) => v.labels.durable === 'hiring-user-created' && v.labels.outcome === 'ok')?.value ?? 0;
    // At least once: a delivery whose ack was lost in the outage may come again (and change nothing).
    expect(handled).toBeGreaterThanOrEqual(allUsers);

    // Every grant the consent subgraph accepted, during the outage too, reached every subgraph's projection.
    expect(grantsAccepted.length).toBeGreaterThan(0);
    await eventually(() => {
      for (const [name, subgraph] of Object.entries(graph.subgraphs)) {
        expect({ name, missing: grantsAccepted.filter((id) => !subgraph.consent.isGranted(id, 'EMPLOYER_SHARING')) }).toEqual({ name, missing: [] });
      }
    }, 10_000, 100);

    const byPhase = (p: Phase) => sent.filter((record) => record.phase === p && record.label.startsWith('load:'));
    const summary = (['before', 'outage', 'after'] as const).map((p) => {
      const records = byPhase(p);
      const codes = [...new Set(records.flatMap((record) => record.codes))].join(',') || 'none';
      const slowest = records.reduce((x, y) => (y.ms > x.ms ? y : x), { label: '-', ms: 0 } as Pick<Sent, 'label' | 'ms'>);
      return `${p}: ${records.length} requests, slowest ${slowest.ms} ms (${slowest.label}), error codes ${codes}`;
    });
    console.log(
      `NATS restart load: ${issued} operations, ${storedIds.length} users stored, ${grantsAccepted.length} grants, ` +
        `hiring-user-created handled ok ${handled} times for ${allUsers} users, ${durable.num_ack_pending} deliveries still awaiting their ack\n${summary.join('\n')}`,
    );
  }, 60_000);
});
