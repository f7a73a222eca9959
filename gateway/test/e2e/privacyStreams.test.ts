import { randomBytes } from 'node:crypto';
import { STREAM_NAMES, type StreamName } from '@profile-graph/kit';
import { eventually } from '@profile-graph/kit/testing';
import type { JetStreamManager } from 'nats';
import { startGraph, type TestGraph } from '../support/startGraph';
import { startSubgraphs } from '../support/startSubgraphs';
import { collectionsMentioning, seedPrivacyWorld, settle, type PrivacyWorld } from './privacySeed';

// Issue 17, item 2: after an erasure the event plane holds nothing of the user but the erasure record, and
// replaying every stream from its first message into fresh databases brings nothing of the user back.
//
// The erasure record on NATS is exactly two kinds of message, each naming the user's id and nothing else about
// them: `privacy.v1.erasure.requested { requestId, userId }` on PRIVACY (every subgraph's erasure step, and any
// fresh instance replaying the stream, needs it to write its tombstone) and `identity.v1.user.deleted { userId }`
// on IDENTITY (published with identity's completion report, after its step; calls anonymizes on it).

const DELETE = 'mutation { deleteMyAccount { id } }';
const REQUEST = 'query($id: ID!) { privacyRequest(id: $id) { status } }';

interface StoredMessage {
  stream: StreamName;
  subject: string;
  text: string;
}

/** Every message of every stream, read as the admin role (no service may read another's stream whole). */
async function everyMessage(jsm: JetStreamManager): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  for (const stream of STREAM_NAMES) {
    const { state } = await jsm.streams.info(stream);
    if (state.messages === 0) continue;
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      // Deleted sequences (the erasure's, consent's stored access-log batches) answer "no message found".
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (message) all.push({ stream, subject: message.subject, text: `${message.subject} ${Buffer.from(message.data).toString('utf8')}` });
    }
  }
  return all;
}

/** Until every durable consumer of every stream has handled everything (so access-log batches are stored and gone). */
async function drained(jsm: JetStreamManager): Promise<void> {
  await eventually(async () => {
    for (const stream of STREAM_NAMES) {
      // Durables only: an ordered reader (a projection, an erasure's pass) is not behind when idle.
      for (const consumer of (await jsm.consumers.list(stream).next()).filter((c) => c.config.durable_name)) {
        expect({ stream, consumer: consumer.name, pending: consumer.num_pending, unacked: consumer.num_ack_pending }).toEqual({ stream, consumer: consumer.name, pending: 0, unacked: 0 });
      }
    }
  }, 15_000, 100);
}

describe('the event plane after an erasure', () => {
  let graph: TestGraph;
  let world: PrivacyWorld;
  let jsm: JetStreamManager;
  let needles: Record<'id' | 'handle' | 'displayName' | 'email' | 'phoneHash', string>;
  let requestId: string;

  beforeAll(async () => {
    graph = await startGraph();
    world = await seedPrivacyWorld(graph, 'strm');
    const { ada } = world;
    // A display name and an email of her own, so each is a needle distinct from the handle.
    const updated = await graph.query('mutation { updateProfile(input: { displayName: "Ada Streamscan", email: "ada.streamscan@example.com" }) { id } }', {}, ada.token);
    expect(updated.body.errors).toBeUndefined();
    const stored = await graph.subgraphs.identity.services.users.findById(ada.id).lean();
    expect(stored?.phoneLookupHash).toEqual(expect.any(String));
    needles = { id: ada.id, handle: ada.handle, displayName: 'Ada Streamscan', email: 'ada.streamscan@example.com', phoneHash: stored!.phoneLookupHash! };
    jsm = await (await graph.env.bus('admin')).nc.jetstreamManager();
  }, 90_000);

  afterAll(async () => {
    await graph?.stop();
  });

  const mentioning = (messages: StoredMessage[], needle: string) => messages.filter((message) => message.text.includes(needle));

  it('after the erasure, no message of any stream names the user beyond the erasure record', async () => {
    const { ada, bob } = world;
    await settle(graph, [ada.id, bob.id]);
    await drained(jsm);
    const before = await everyMessage(jsm);
    // The seed put the user on the streams (so the scan below can fail): her id, handle and display name.
    expect(mentioning(before, needles.id).length).toBeGreaterThan(10);
    expect(mentioning(before, needles.handle).length).toBeGreaterThan(0);
    expect(mentioning(before, needles.displayName).length).toBeGreaterThan(0);

    requestId = (await graph.query(DELETE, {}, ada.token)).body.data.deleteMyAccount.id;
    await eventually(async () => expect((await graph.query(REQUEST, { id: requestId })).body.data.privacyRequest.status).toBe('COMPLETED'), 20_000);
    await Promise.all(Object.values(graph.subgraphs).map((subgraph) => subgraph.relay.flush()));
    await drained(jsm);

    const after = await everyMessage(jsm);
    const found = Object.fromEntries(Object.entries(needles).map(([name, needle]) => [name, mentioning(after, needle).map(({ stream, subject }) => `${stream} ${subject}`)]));
    expect(found).toEqual({
      id: ['IDENTITY identity.v1.user.deleted', 'PRIVACY privacy.v1.erasure.requested'],
      handle: [],
      displayName: [],
      email: [],
      phoneHash: [],
    });
    // The record names the id and nothing else.
    for (const message of mentioning(after, needles.id)) {
      const { data } = JSON.parse(message.text.slice(message.subject.length + 1));
      expect(Object.keys(data).sort()).toEqual(message.subject === 'privacy.v1.erasure.requested' ? ['requestId', 'userId'] : ['userId']);
    }
    // Bob's messages are still there: the erasure deleted by user, not by stream.
    expect(mentioning(after, bob.id).length).toBeGreaterThan(5);
    if (process.env.PRINT_FIGURES) console.log(JSON.stringify({ scannedBefore: before.length, scannedAfter: after.length, adaBefore: mentioning(before, needles.id).length, perStream: Object.fromEntries(STREAM_NAMES.map((s) => [s, after.filter((m) => m.stream === s).length])) }));
  }, 60_000);

  it('replaying every stream from the start into fresh databases brings nothing of the user back', async () => {
    const { ada, bob } = world;
    expect(requestId).toEqual(expect.any(String));
    // Fresh instances with new databases and no consumer state: they read every stream from its first message.
    for (const subgraph of Object.values(graph.subgraphs)) await subgraph.close();
    for (const stream of STREAM_NAMES) for (const consumer of await jsm.consumers.list(stream).next()) await jsm.consumers.delete(stream, consumer.name);
    const prefix = `r_${randomBytes(5).toString('hex')}`;
    const { subgraphs } = await startSubgraphs(graph.env, { DATABASE_PREFIX: prefix });
    graph.subgraphs = subgraphs;
    await drained(jsm);
    await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.relay.flush()));
    await drained(jsm);

    // The replay did rebuild what the streams carry: Bob's profile, his handle at calls, his consents.
    expect(subgraphs.hiring.db.name).toBe(`${prefix}_hiring`);
    expect(await subgraphs.hiring.services.profiles.countDocuments({ _id: bob.id })).toBe(1);
    expect(await subgraphs.calls.services.users.findById(bob.id).lean()).toMatchObject({ handleLower: bob.handle });
    for (const subgraph of Object.values(subgraphs)) expect(subgraph.consent.isGranted(bob.id, 'CANDIDATE_DISCOVERY')).toBe(true);

    // Of Ada: each subgraph's tombstone (written by the replayed erasure request) and calls' handle tombstone.
    const left: Record<string, Record<string, unknown>> = {};
    for (const [name, subgraph] of Object.entries(subgraphs)) {
      for (const [needle, value] of Object.entries(needles)) {
        const hits = await collectionsMentioning(subgraph.db, value);
        for (const [collection, docs] of Object.entries(hits)) (left[name] ??= {})[`${collection} (${needle})`] = docs;
      }
    }
    const tombstone = { 'erased_users (id)': [{ _id: ada.id, erasedAt: expect.any(Date) }] };
    expect(left).toEqual({
      identity: tombstone,
      hiring: tombstone,
      consent: tombstone,
      calls: { ...tombstone, 'users (id)': [{ _id: ada.id, handleLower: `deleted:${ada.id}`, deletedAt: expect.any(Date) }] },
    });
    for (const subgraph of Object.values(subgraphs)) expect(subgraph.consent.states.get(ada.id, 'CANDIDATE_DISCOVERY')).toBeUndefined();
  }, 90_000);
});
