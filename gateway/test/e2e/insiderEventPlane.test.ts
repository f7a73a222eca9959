import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, nkeyAuthenticator, type NatsConnection } from 'nats';
import { consentStateSubject, createEvent } from '@profile-graph/kit';
import { eventually, type NatsRole } from '@profile-graph/kit/testing';
import { createUserNkey } from '../../../scripts/lib/nkeys';
import { startGraph, type TestGraph } from '../support/startGraph';

// An insider on the internal network (issue 16): one who can reach NATS, with
// no credentials, then with each service's own. Every forbidden move must be
// refused by nats-server itself (its permission or authorization error), and
// nothing it tried may reach a projection or a database.
describe('the event plane trusts no one by default', () => {
  let graph: TestGraph;
  let victim: { id: string; token: string };
  const opened: NatsConnection[] = [];
  const SERVICES: NatsRole[] = ['gateway', 'identity', 'hiring', 'consent', 'calls'];
  const except = (...allowed: NatsRole[]) => SERVICES.filter((role) => !allowed.includes(role));
  const forgedGrant = (userId: string) =>
    createEvent(consentStateSubject(userId, 'EMPLOYER_SHARING'), { userId, purpose: 'EMPLOYER_SHARING', status: 'GRANTED', version: 999, updatedAt: new Date().toISOString() }, userId);

  /**
   * A connection as `role`. A refused core publish or subscription has no
   * reply to fail, so `refused` waits for the server's own record of it: its
   * log line naming this role's key and the subject, and the client's error.
   */
  async function as(role: NatsRole) {
    const nc = await graph.env.connectNats(role);
    opened.push(nc);
    const errors: string[] = [];
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'error') errors.push(String(status.data));
    })();
    const refused = (kind: 'Publish' | 'Subscription', subject: string) =>
      eventually(() => {
        expect(readFileSync(graph.env.nats.logFile, 'utf8')).toContain(`${kind} Violation - Nkey "${graph.env.nats.credentials[role].publicKey}", Subject "${subject}"`);
        expect(errors).toContain('PERMISSIONS_VIOLATION');
      });
    return { nc, refused };
  }

  const permissionError = (subject: string) => ({ code: 'PERMISSIONS_VIOLATION', message: expect.stringContaining(`"${subject}"`) });

  beforeAll(async () => {
    graph = await startGraph();
    victim = await graph.signUp('insider_victim');
  });

  afterAll(async () => {
    for (const nc of opened) await nc.close().catch(() => undefined);
    await graph?.stop();
  });

  it('refuses a connection without credentials, and one with a key the server does not know', async () => {
    await expect(connect({ servers: graph.env.nats.url, timeout: 2_000 })).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    const stranger = createUserNkey();
    await expect(connect({ servers: graph.env.nats.url, timeout: 2_000, authenticator: nkeyAuthenticator(new TextEncoder().encode(stranger.seed)) })).rejects.toMatchObject({
      code: 'AUTHORIZATION_VIOLATION',
    });
  });

  it('lets no one but consent publish a consent snapshot, and the victim stays unshared everywhere', async () => {
    const forged = forgedGrant(victim.id);
    for (const role of except('consent')) {
      const { nc, refused } = await as(role);
      await expect(nc.jetstream().publish(forged.type, Buffer.from(JSON.stringify(forged)))).rejects.toMatchObject(permissionError(forged.type));
      nc.publish(forged.type, Buffer.from(JSON.stringify(forged)));
      await refused('Publish', forged.type);
    }
    // The positive control: a genuine snapshot from consent arrives, so the forged ones would have by now.
    const marker = `marker_${randomBytes(4).toString('hex')}`;
    await (await graph.env.bus('consent')).publish(createEvent(consentStateSubject(marker, 'EMPLOYER_SHARING'), { userId: marker, purpose: 'EMPLOYER_SHARING', status: 'GRANTED', version: 1, updatedAt: new Date().toISOString() }, marker));
    for (const subgraph of Object.values(graph.subgraphs)) await eventually(() => expect(subgraph.consent.isGranted(marker, 'EMPLOYER_SHARING')).toBe(true));
    for (const subgraph of Object.values(graph.subgraphs)) expect(subgraph.consent.isGranted(victim.id, 'EMPLOYER_SHARING')).toBe(false);
    expect(await graph.subgraphs.hiring.db.collection('consent_projection').countDocuments({ userId: victim.id })).toBe(0);
    const consents = await graph.query('{ me { consents { purpose status } } }', {}, victim.token);
    expect(consents.body.data.me.consents.find((c: { purpose: string }) => c.purpose === 'EMPLOYER_SHARING')?.status ?? 'NEVER_GRANTED').toBe('NEVER_GRANTED');
  });

  it("lets no one but consent ask a subgraph for another user's export", async () => {
    for (const role of except('consent')) {
      const { nc } = await as(role);
      for (const subgraph of ['identity', 'hiring', 'consent', 'calls']) {
        const subject = `rpc.${subgraph}.v1.privacy.export`;
        await expect(nc.request(subject, Buffer.from(JSON.stringify({ userId: victim.id })), { timeout: 2_000 })).rejects.toMatchObject(permissionError(subject));
      }
    }
    // consent itself may, and gets identity's part: the allowed path is still open.
    const { nc } = await as('consent');
    const reply = await nc.request('rpc.identity.v1.privacy.export', Buffer.from(JSON.stringify({ userId: victim.id })), { timeout: 5_000 });
    expect(JSON.parse(Buffer.from(reply.data).toString())).toMatchObject({ ok: true, section: { subgraph: 'identity' } });
  });

  it('lets no one but identity answer an API key lookup, nor write into the gateway\'s inbox', async () => {
    for (const role of except('identity')) {
      const { nc, refused } = await as(role);
      nc.subscribe('rpc.identity.v1.apikey.resolve', { queue: 'identity' });
      await refused('Subscription', 'rpc.identity.v1.apikey.resolve');
      nc.subscribe('rpc.identity.>');
      await refused('Subscription', 'rpc.identity.>');
    }
    for (const role of except('gateway')) {
      const { nc, refused } = await as(role);
      // Replies meant for other roles are out of reach: the shared default inbox and the gateway's own.
      nc.subscribe('_INBOX.>');
      await refused('Subscription', '_INBOX.>');
      nc.subscribe('_INBOX_gateway.>');
      await refused('Subscription', '_INBOX_gateway.>');
      const reply = '_INBOX_gateway.forged.1';
      nc.publish(reply, Buffer.from(JSON.stringify({ found: true, keyId: 'k', orgId: 'o', scopes: ['CANDIDATES_SEARCH'] })));
      await refused('Publish', reply);
    }
    // And the gateway still hears identity: an unknown key is refused, not turned into a partner.
    const key = `pgk_live_${randomBytes(32).toString('base64url')}`;
    const response = await graph.query('{ partnerOrganization { id } }', {}, undefined, { 'x-api-key': key });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets no one but identity revoke a session or announce a deletion, nor anyone but consent request an erasure', async () => {
    const revoked = createEvent('identity.v1.session.revoked', { sessionId: 'any', userId: victim.id, reason: 'forged' }, victim.id);
    const deleted = createEvent('identity.v1.user.deleted', { userId: victim.id }, victim.id);
    for (const role of except('identity')) {
      const { nc, refused } = await as(role);
      for (const event of [revoked, deleted]) {
        await expect(nc.jetstream().publish(event.type, Buffer.from(JSON.stringify(event)))).rejects.toMatchObject(permissionError(event.type));
        nc.publish(event.type, Buffer.from(JSON.stringify(event)));
        await refused('Publish', event.type);
      }
    }
    const erasure = createEvent('privacy.v1.erasure.requested', { requestId: `forged-${randomBytes(4).toString('hex')}`, userId: victim.id }, victim.id);
    for (const role of except('consent')) {
      const { nc } = await as(role);
      await expect(nc.jetstream().publish(erasure.type, Buffer.from(JSON.stringify(erasure)))).rejects.toMatchObject(permissionError(erasure.type));
    }
    // The victim is still there and still signed in.
    const me = await graph.query('{ me { id handle } }', {}, victim.token);
    expect(me.body.data?.me).toEqual({ id: victim.id, handle: 'insider_victim' });
    expect(await graph.subgraphs.identity.db.collection('users').countDocuments({ _id: victim.id as never })).toBe(1);
  });

  it('keeps CONSENT_STATE from the gateway, and every subgraph to its own ephemeral reader of it', async () => {
    const { nc: gateway, refused } = await as('gateway');
    gateway.subscribe('consent.v1.state.>');
    await refused('Subscription', 'consent.v1.state.>');
    const gatewayJsm = await gateway.jetstreamManager({ checkAPI: false });
    await expect(gatewayJsm.streams.info('CONSENT_STATE')).rejects.toMatchObject(permissionError('$JS.API.STREAM.INFO.CONSENT_STATE'));
    await expect(gateway.jetstream().consumers.get('CONSENT_STATE', { filterSubjects: ['consent.v1.state.>'] }).then((c) => c.next({ expires: 1_000 }))).rejects.toMatchObject({
      code: 'PERMISSIONS_VIOLATION',
    });
    const { nc: hiring, refused: hiringRefused } = await as('hiring');
    hiring.subscribe('consent.v1.state.>');
    await hiringRefused('Subscription', 'consent.v1.state.>');
    const jsm = await hiring.jetstreamManager();
    // Reading one user's snapshot by subject, or keeping a durable copy, is no subgraph's business.
    await expect(jsm.streams.getMessage('CONSENT_STATE', { last_by_subj: consentStateSubject(victim.id, 'EMPLOYER_SHARING') })).rejects.toMatchObject(
      permissionError('$JS.API.STREAM.MSG.GET.CONSENT_STATE'),
    );
    await expect(jsm.consumers.add('CONSENT_STATE', { durable_name: 'hiring-copy', ack_policy: 'explicit' as never })).rejects.toMatchObject(
      permissionError('$JS.API.CONSUMER.CREATE.CONSENT_STATE.hiring-copy'),
    );
  });

  it("refuses consumers on another service's stream or under another service's durable, and stream changes by anyone but the operator", async () => {
    const { nc: hiring } = await as('hiring');
    const jsm = await hiring.jetstreamManager();
    // calls' durable: taking it over would steal calls' deliveries.
    await expect(jsm.consumers.add('IDENTITY', { durable_name: 'calls-user-projection', ack_policy: 'explicit' as never, filter_subject: 'identity.v1.user.created' })).rejects.toMatchObject(
      permissionError('$JS.API.CONSUMER.CREATE.IDENTITY.calls-user-projection.identity.v1.user.created'),
    );
    await expect(jsm.consumers.add('IDENTITY', { durable_name: 'hiring-user-created', ack_policy: 'explicit' as never, filter_subject: 'identity.v1.session.started' })).rejects.toMatchObject(
      permissionError('$JS.API.CONSUMER.CREATE.IDENTITY.hiring-user-created.identity.v1.session.started'),
    );
    await expect(jsm.consumers.add('CALLS', { durable_name: 'hiring-calls', ack_policy: 'explicit' as never })).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    await expect(jsm.streams.purge('CONSENT_STATE')).rejects.toMatchObject(permissionError('$JS.API.STREAM.PURGE.CONSENT_STATE'));
    const { nc: identity } = await as('identity');
    const identityJsm = await identity.jetstreamManager();
    // Even its own stream: a rewritten config (republish, sources, subjects) is the operator's to make.
    await expect(identityJsm.streams.update('IDENTITY', { subjects: ['identity.v1.>', 'consent.v1.state.>'] })).rejects.toMatchObject(permissionError('$JS.API.STREAM.UPDATE.IDENTITY'));
    await expect(identityJsm.streams.delete('IDENTITY')).rejects.toMatchObject(permissionError('$JS.API.STREAM.DELETE.IDENTITY'));
    const { nc: calls } = await as('calls');
    const callsJsm = await calls.jetstreamManager();
    await expect(callsJsm.consumers.add('PRIVACY', { durable_name: 'consent-access-recorded', ack_policy: 'explicit' as never, filter_subject: 'privacy.v1.access.recorded' })).rejects.toMatchObject({
      code: 'PERMISSIONS_VIOLATION',
    });
    // The streams are as they were: no consumer appeared.
    const admin = await (await graph.env.bus('admin')).nc.jetstreamManager();
    const names = async (stream: string) => (await admin.consumers.list(stream).next()).map((c) => c.name);
    expect(await names('CONSENT_STATE')).not.toContain('hiring-copy');
    expect(await names('CALLS')).not.toContain('hiring-calls');
  });

  it("believes even an authorized producer only where its subject vouches: no snapshot about another user, no event typed as another", async () => {
    // consent may publish snapshots, but one filed under a marker's subject while naming the victim changes no one.
    const marker = `marker_${randomBytes(4).toString('hex')}`;
    const consent = await graph.env.bus('consent');
    const misfiled = { ...forgedGrant(victim.id), type: consentStateSubject(marker, 'EMPLOYER_SHARING') };
    await consent.publishRaw(misfiled.type, misfiled, misfiled.id);
    // identity may publish identity.v1.user.created, but not pass off a deletion as one.
    const dropped = () =>
      graph.subgraphs.calls.metrics.eventsHandled.get().then((m) => m.values.find((v) => v.labels.durable === 'calls-user-projection' && v.labels.outcome === 'dropped')?.value ?? 0);
    const before = await dropped();
    const disguised = { ...createEvent('identity.v1.user.deleted', { userId: victim.id }, victim.id) };
    await (await graph.env.bus('identity')).publishRaw('identity.v1.user.created', disguised, disguised.id);
    await eventually(async () => expect(await dropped()).toBe(before + 1));
    const genuine = createEvent(consentStateSubject(marker, 'EMPLOYER_SHARING'), { userId: marker, purpose: 'EMPLOYER_SHARING', status: 'GRANTED', version: 1, updatedAt: new Date().toISOString() }, marker);
    await consent.publish(genuine);
    for (const subgraph of Object.values(graph.subgraphs)) await eventually(() => expect(subgraph.consent.isGranted(marker, 'EMPLOYER_SHARING')).toBe(true));
    for (const subgraph of Object.values(graph.subgraphs)) expect(subgraph.consent.isGranted(victim.id, 'EMPLOYER_SHARING')).toBe(false);
    expect(await graph.subgraphs.calls.services.users.countDocuments({ _id: victim.id as never })).toBe(1);
  });
});
