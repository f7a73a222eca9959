import { randomUUID } from 'node:crypto';
import { createSessionSigner } from '@profile-graph/core';
import { startGraph, type TestGraph } from '../support/startGraph';
import { disposeAll, liveClient, sseClient, subscriptionsOpen, wsClient, type Feed, type Transport } from '../support/liveClients';
import { verifiedOrganization } from '../support/verifiedOrganization';

const INCOMING = 'subscription { incomingCall { id } }';
const PROGRESS = 'subscription($id: ID!) { privacyRequestUpdated(id: $id) { id status } }';

/** Waits for the subscription's end and says how long after `since` it came, and with which last frame. */
async function endOf(feed: Feed, since: number) {
  const { error, at } = await feed.ended;
  return { error, ms: at - since, last: feed.frames.at(-1) };
}

// A subscription lives only as long as its credential: sign-out, key revocation
// and account deletion end it within a second, with a last frame that says why.
describe('subscriptions end with their credential', () => {
  let graph: TestGraph;
  const clients: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(made: T) => (clients.push(made), made);

  beforeAll(async () => {
    graph = await startGraph();
  });
  afterEach(async () => {
    await disposeAll(clients, graph.gatewayUrl);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it.each<Transport>(['sse', 'ws'])('ends on sign-out within 1 s with an UNAUTHENTICATED frame (%s)', async (transport) => {
    const user = await graph.signUp(`signout_${transport}`, 'Signs Out');
    const client = keep(liveClient(transport, graph.gatewayUrl, user.token));
    const feed = client.subscribe(INCOMING);
    await subscriptionsOpen(graph.gatewayUrl, 1);
    const signedOut = Date.now();
    const out = await graph.query('mutation($t: String!) { signOut(refreshToken: $t) }', { t: user.refreshToken }, user.token);
    expect(out.body.data).toEqual({ signOut: true });
    const ended = await endOf(feed, signedOut);
    console.log(`[${transport}] sign-out -> subscription ended: ${ended.ms} ms`);
    expect(ended.ms).toBeLessThan(1_000);
    expect(ended.last?.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    // The same credential cannot open a new one.
    const again = keep(liveClient(transport, graph.gatewayUrl, user.token)).subscribe(INCOMING);
    const refused = await again.ended;
    expect(again.frames.length ? again.frames[0]!.errors?.[0]?.extensions?.['code'] : refused.error).toBeTruthy();
    expect(again.frames.some((frame) => frame.data)).toBe(false);
  });

  it.each<Transport>(['sse', 'ws'])('ends when the access token expires, with an UNAUTHENTICATED frame (%s)', async (transport) => {
    const user = await graph.signUp(`expiring_${transport}`, 'Expiring');
    // A token of identity's kind that lives 2 s (identity itself issues them for at least a minute).
    const { token, expiresAt } = await (await createSessionSigner(graph.env.sessionKeys.privateKey, { ttlSeconds: 2, kid: 'k1' }))({ userId: user.id, sessionId: randomUUID() });
    const feed = keep(liveClient(transport, graph.gatewayUrl, token)).subscribe(INCOMING);
    const ended = await endOf(feed, expiresAt.getTime());
    console.log(`[${transport}] token expiry -> subscription ended: ${ended.ms} ms after exp`);
    expect(ended.last?.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(ended.ms).toBeGreaterThanOrEqual(0);
    expect(ended.ms).toBeLessThan(1_000);
  });

  it('ends when the account is deleted, within 1 s of the sessions being revoked', async () => {
    const user = await graph.signUp('deleted_live', 'Deleted');
    const feeds = [keep(sseClient(graph.gatewayUrl, { authorization: `Bearer ${user.token}` })).subscribe(INCOMING), keep(wsClient(graph.gatewayUrl, { authorization: `Bearer ${user.token}` })).subscribe(INCOMING)];
    await subscriptionsOpen(graph.gatewayUrl, 2);
    const asked = Date.now();
    const deleted = await graph.query('mutation { deleteMyAccount { id } }', {}, user.token);
    expect(deleted.body.errors).toBeUndefined();
    for (const feed of feeds) {
      const ended = await endOf(feed, asked);
      console.log(`account deletion asked -> subscription ended: ${ended.ms} ms (the erasure saga revokes the sessions first)`);
      expect(ended.last?.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect(ended.ms).toBeLessThan(1_000);
    }
  });

  it.each<Transport>(['sse', 'ws'])('ends a partner key subscription within 1 s of the key being revoked (%s)', async (transport) => {
    const admin = await graph.signUp(`keyadmin_${transport}`, 'Key Admin');
    const org = await verifiedOrganization(graph, `Live Org ${transport}`, admin);
    const headers = await org.key(['JOBS_READ']);
    const keys = await graph.query('query($org: ID!) { organization(id: $org) { apiKeys { id } } }', { org: org.orgId }, admin.token);
    const keyId: string = keys.body.data.organization.apiKeys[0].id;
    // An erasure request nobody has progressed yet, so the subscription stays open (the id is the capability).
    const requestId = randomUUID();
    await graph.subgraphs.consent.services.privacyRequests.collection.insertOne({ _id: requestId as never, userId: randomUUID(), kind: 'ERASURE', requestedAt: new Date() });
    const client = keep(transport === 'sse' ? sseClient(graph.gatewayUrl, headers) : wsClient(graph.gatewayUrl, headers));
    const feed = client.subscribe(PROGRESS, { id: requestId });
    expect((await feed.next()).data).toEqual({ privacyRequestUpdated: { id: requestId, status: 'IN_PROGRESS' } });
    await subscriptionsOpen(graph.gatewayUrl, 1);
    const revokedAt = Date.now();
    const revoked = await graph.query('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: keyId }, admin.token);
    expect(revoked.body.data.revokeApiKey.revokedAt).toBeTruthy();
    const ended = await endOf(feed, revokedAt);
    console.log(`[${transport}] key revoked -> subscription ended: ${ended.ms} ms`);
    expect(ended.ms).toBeLessThan(1_000);
    expect(ended.last?.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});
