import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { ERASURE_REQUESTED_SUBJECT, REVOCATIONS_STREAM, createEvent, putRevocation, revocationSubject, type RevocationKind } from '@profile-graph/kit';
import { eventually } from '@profile-graph/kit/testing';
import { anonymous, startIdentityHarness, userViewer, type IdentityHarness } from '../support/identityHarness';

const operator = { kind: 'service' as const, scopes: ['operator:organizations'] };
/** identity's default access-token lifetime (SESSION_TTL_SECONDS) plus the clock skew every entry also covers. */
const SESSION_ENTRY_SECONDS = 900 + 60;
const DAY_SECONDS = 24 * 3600;

// identity alone writes the revocations bucket gateways read: every sign-out,
// key revocation and erasure lands there, with a TTL equal to what is left of
// the credential's life (nats-server's per-message TTL).
describe('identity writes revocations into the shared KV bucket (real NATS)', () => {
  let harness: IdentityHarness;
  let admin: NatsConnection;

  beforeAll(async () => {
    harness = await startIdentityHarness();
    admin = (await harness.env.bus('admin')).nc;
  });
  afterAll(async () => harness?.stop());

  /** The entry as stored, with its TTL header, once it is there. */
  const entry = (kind: RevocationKind, id: string) =>
    eventually(async () => {
      const jsm = await admin.jetstreamManager();
      const message = await jsm.streams.getMessage(REVOCATIONS_STREAM, { last_by_subj: revocationSubject(kind, id) });
      const value = JSON.parse(Buffer.from(message.data).toString('utf8')) as { revokedAt: string; expiresAt: string };
      return { value, ttlSeconds: Number(/^(\d+)s$/.exec(message.header.get('Nats-TTL'))?.[1]) };
    }, 5_000);
  const signUp = async (handle: string) => {
    const response = await harness.as(anonymous, 'mutation($i: SignUpInput!) { signUp(input: $i) { refreshToken user { id } } }', { i: { handle, password: 'correct horse battery', displayName: handle } });
    return { id: response.body.data.signUp.user.id as string, refreshToken: response.body.data.signUp.refreshToken as string };
  };
  const sessionOf = async (userId: string) => (await harness.identities[0]!.services.sessionModel.findOne({ userId }).lean())!._id;

  it('puts a signed-out session there for an access token’s lifetime', async () => {
    const ada = await signUp('rev_ada');
    const sessionId = await sessionOf(ada.id);
    const before = Date.now();
    const out = await harness.as(userViewer(ada.id), 'mutation($r: String!) { signOut(refreshToken: $r) }', { r: ada.refreshToken });
    expect(out.body.data).toEqual({ signOut: true });
    const { value, ttlSeconds } = await entry('session', sessionId);
    expect(ttlSeconds).toBeGreaterThanOrEqual(SESSION_ENTRY_SECONDS - 5);
    expect(ttlSeconds).toBeLessThanOrEqual(SESSION_ENTRY_SECONDS + 1);
    expect(Date.parse(value.expiresAt) - before).toBeGreaterThan((SESSION_ENTRY_SECONDS - 5) * 1000);
  });

  it('puts a revoked API key there until it would have expired, or for a day at most', async () => {
    const owner = await signUp('rev_owner');
    const org = await harness.as(userViewer(owner.id), 'mutation { createOrganization(input: { name: "Revoking Inc" }) { id } }');
    const organizationId = org.body.data.createOrganization.id as string;
    await harness.as(operator, 'mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: organizationId });
    const create = async (expiresAt: string | null) => {
      const created = await harness.as(userViewer(owner.id), 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }', {
        input: { organizationId, name: 'k', scopes: ['JOBS_READ'], ...(expiresAt ? { expiresAt } : {}) },
      });
      const keyId = created.body.data.createApiKey.apiKey.id as string;
      expect((await harness.as(userViewer(owner.id), 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: keyId })).body.errors).toBeUndefined();
      return keyId;
    };
    const inTwoHours = await create(new Date(Date.now() + 2 * 3600_000).toISOString());
    const forever = await create(null);
    const expiring = await entry('apikey', inTwoHours);
    expect(expiring.ttlSeconds).toBeGreaterThan(2 * 3600 - 30);
    expect(expiring.ttlSeconds).toBeLessThanOrEqual(2 * 3600 + 1);
    expect((await entry('apikey', forever)).ttlSeconds).toBe(DAY_SECONDS);
  });

  it('puts an erased user there, and every session of theirs', async () => {
    const bob = await signUp('rev_bob');
    const sessionId = await sessionOf(bob.id);
    await (await harness.env.bus('consent')).publish(createEvent(ERASURE_REQUESTED_SUBJECT, { requestId: randomUUID(), userId: bob.id }, bob.id));
    const user = await entry('user', bob.id);
    expect(user.ttlSeconds).toBeGreaterThanOrEqual(SESSION_ENTRY_SECONDS - 5);
    expect((await entry('session', sessionId)).ttlSeconds).toBeGreaterThan(0);
    await eventually(async () => expect(await harness.identities[0]!.services.users.exists({ _id: bob.id })).toBeNull(), 10_000);
  });

  it('lets the server drop an entry when its TTL is over, and writes none for a credential already expired', async () => {
    const nc = await harness.env.connectNats('identity');
    try {
      expect(await putRevocation(nc.jetstream(), 'session', 'short-lived', new Date(Date.now() + 1_000))).toBe(true);
      expect(await putRevocation(nc.jetstream(), 'session', 'already-expired', new Date(Date.now() - 1))).toBe(false);
    } finally {
      await nc.close();
    }
    const jsm = await admin.jetstreamManager();
    expect((await jsm.streams.getMessage(REVOCATIONS_STREAM, { last_by_subj: revocationSubject('session', 'short-lived') })).seq).toBeGreaterThan(0);
    await eventually(
      () => expect(jsm.streams.getMessage(REVOCATIONS_STREAM, { last_by_subj: revocationSubject('session', 'short-lived') })).rejects.toThrow(/no message found/),
      5_000,
      100,
    );
    await expect(jsm.streams.getMessage(REVOCATIONS_STREAM, { last_by_subj: revocationSubject('session', 'already-expired') })).rejects.toThrow(/no message found/);
  });

  it('lets no other role write, delete or purge revocations: nats-server refuses', async () => {
    for (const role of ['gateway', 'hiring', 'consent', 'calls'] as const) {
      const nc = await harness.env.connectNats(role);
      try {
        await expect(nc.jetstream().publish(revocationSubject('session', 'forged'), Buffer.from('{}'))).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
        const jsm = await nc.jetstreamManager({ checkAPI: false });
        await expect(jsm.streams.purge(REVOCATIONS_STREAM)).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
        await expect(jsm.streams.deleteMessage(REVOCATIONS_STREAM, 1)).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
        await expect(jsm.streams.delete(REVOCATIONS_STREAM)).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
      } finally {
        await nc.close();
      }
    }
    const jsm = await admin.jetstreamManager();
    await expect(jsm.streams.getMessage(REVOCATIONS_STREAM, { last_by_subj: revocationSubject('session', 'forged') })).rejects.toThrow(/no message found/);
  });
});
