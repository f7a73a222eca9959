import { randomBytes } from 'node:crypto';
import { eventually } from '@profile-graph/kit/testing';
import { clientPhoneHash } from '../../src/phones/phoneVault';
import { billing, errorCodes, projectionSees, startIdentityHarness, userViewer, type IdentityHarness } from '../support/identityHarness';

const key = () => randomBytes(32).toString('base64');
const oldKey = key();
const newKey = key();
const lookupKey = key();
const phoneEnv = (keys: Record<string, string>, kid: string) => ({ PHONE_ENCRYPTION_KEYS: JSON.stringify(keys), PHONE_ENCRYPTION_KEY_ID: kid, PHONE_LOOKUP_KEY: lookupKey });

const FIND = 'query($h: [String!]!) { findUsersByPhoneHashes(hashes: $h) { phoneHash user { id handle phoneNumber } } }';

describe('profiles, phone numbers and contact discovery (real services)', () => {
  let harness: IdentityHarness;

  beforeAll(async () => {
    harness = await startIdentityHarness({ env: { ...phoneEnv({ p1: oldKey }, 'p1'), CONTACT_DISCOVERY_MAX_HASHES: '20', CONTACT_DISCOVERY_HASHES_PER_HOUR: '30' } });
  });
  afterAll(async () => harness?.stop());

  const raw = (userId: string) => harness.identities[0]!.db.collection('users').findOne({ _id: userId as never });

  it('refuses handles that differ only in case, at sign-up and on update', async () => {
    await harness.signUp('Case_Handle');
    const again = await harness.as({ kind: 'anonymous', scopes: [] }, 'mutation { signUp(input: { handle: "case_HANDLE", password: "correct horse battery", displayName: "x" }) { token } }');
    expect(again.body.errors![0]).toMatchObject({ message: 'handle: this handle is taken.', extensions: { code: 'BAD_USER_INPUT' } });
    const other = await harness.signUp('other_handle');
    const update = await harness.as(userViewer(other), 'mutation { updateProfile(input: { handle: "CASE_handle" }) { handle } }');
    expect(update.body.errors![0]!.message).toBe('input.handle: this handle is taken.');
    const reserved = await harness.as(userViewer(other), 'mutation { updateProfile(input: { handle: "Moderator" }) { handle } }');
    expect(reserved.body.errors![0]!.message).toBe('input.handle: this handle is reserved.');
  });

  it('updateProfile validates every field, names the bad one, writes nothing on error, publishes user.updated', async () => {
    const ada = await harness.signUp('ada_profile');
    const before = await raw(ada);
    const bad = await harness.as(userViewer(ada), 'mutation { updateProfile(input: { displayName: "Ada L", avatarUrl: "http://x.example.com/a.png" }) { id } }');
    expect(bad.body.errors![0]).toMatchObject({ message: 'input.avatarUrl: only https:// URLs are allowed.', extensions: { code: 'BAD_USER_INPUT', field: 'input.avatarUrl' } });
    expect((await raw(ada))!.displayName).toBe(before!.displayName);

    const ok = await harness.as(
      userViewer(ada),
      'mutation { updateProfile(input: { displayName: "Ada L", avatarUrl: "https://cdn.example.com/ada.png", email: "Ada@Example.com", handle: "Ada_Lovelace" }) { handle displayName avatarUrl email { address verified } updatedAt } }',
    );
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.updateProfile).toMatchObject({ handle: 'Ada_Lovelace', displayName: 'Ada L', avatarUrl: 'https://cdn.example.com/ada.png', email: { address: 'Ada@Example.com', verified: false } });
    expect(new Date(ok.body.data.updateProfile.updatedAt).getTime()).toBeGreaterThan(before!.updatedAt.getTime() - 1);

    // Emails are unique case-insensitively, and private.
    const grace = await harness.signUp('grace_profile');
    const taken = await harness.as(userViewer(grace), 'mutation { updateProfile(input: { email: "ada@example.COM" }) { id } }');
    expect(taken.body.errors![0]!.message).toBe('input.email: this address is used by another account.');
    const seen = await harness.as(userViewer(grace), 'query($id: ID!) { user(id: $id) { handle avatarUrl email { address } premium { active } } }', { id: ada });
    expect(seen.body.data.user).toEqual({ handle: 'Ada_Lovelace', avatarUrl: 'https://cdn.example.com/ada.png', email: null, premium: null });

    // The event carries public fields and the names of private ones, never the email.
    await harness.identities[0]!.relay.flush();
    const jsm = await (await harness.env.bus('admin')).nc.jetstreamManager();
    const last = await jsm.streams.getMessage('IDENTITY', { last_by_subj: 'identity.v1.user.updated' });
    const event = JSON.parse(Buffer.from(last.data).toString());
    expect(event.data).toEqual({ userId: ada, changed: ['handle', 'displayName', 'avatarUrl', 'email'], handle: 'Ada_Lovelace', displayName: 'Ada L', avatarUrl: 'https://cdn.example.com/ada.png', profileVersion: 2 });
  });

  it('numbers profile changes: concurrent updates each get their own profileVersion, in the document and the event', async () => {
    const lin = await harness.signUp('lin_versions');
    expect((await raw(lin))!.profileVersion).toBe(1);
    const names = ['Lin A', 'Lin B', 'Lin C', 'Lin D'];
    const answers = await Promise.all(names.map((name) => harness.as(userViewer(lin), 'mutation($n: String!) { updateProfile(input: { displayName: $n }) { displayName } }', { n: name })));
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    const stored = (await raw(lin))!;
    expect(stored.profileVersion).toBe(5);
    await harness.identities[0]!.relay.flush();
    const events = await eventually(async () => {
      const found: Array<{ data: { userId: string; displayName: string; profileVersion: number } }> = [];
      // Reading the stream back is the admin role's right, not identity's (the permission table).
      const jsm = await (await harness.env.bus('admin')).nc.jetstreamManager();
      const info = await jsm.streams.info('IDENTITY');
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const message = await jsm.streams.getMessage('IDENTITY', { seq }).catch(() => null);
        if (!message || message.subject !== 'identity.v1.user.updated') continue;
        const event = JSON.parse(Buffer.from(message.data).toString());
        if (event.data.userId === lin) found.push(event);
      }
      if (found.length < 4) throw new Error(`not all relayed yet: ${JSON.stringify(found.map((e) => [e.data.profileVersion, e.data.displayName]))}`);
      return found;
      // Each poll reads the whole stream message by message: slow under CI load, so poll less often, for longer.
    }, 15_000, 250);
    // Versions 2..5, each once; the newest version carries the name the document ended with.
    expect(events.map((event) => event.data.profileVersion).sort()).toEqual([2, 3, 4, 5]);
    expect(events.find((event) => event.data.profileVersion === 5)!.data.displayName).toBe(stored.displayName);
  });

  it('Premium is set by the billing operator only and shown to the owner', async () => {
    const kat = await harness.signUp('kat_premium');
    const self = await harness.as(userViewer(kat), 'mutation($u: ID!) { setPremiumSubscription(userId: $u, since: "2026-01-01T00:00:00Z") { id } }', { u: kat });
    expect(errorCodes(self)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const wrongOperator = await harness.as({ kind: 'service', scopes: ['operator:organizations'] }, 'mutation($u: ID!) { setPremiumSubscription(userId: $u, since: "2026-01-01T00:00:00Z") { id } }', { u: kat });
    expect(errorCodes(wrongOperator)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const set = await harness.as(billing, 'mutation($u: ID!) { setPremiumSubscription(userId: $u, since: "2026-01-01T00:00:00Z", until: "2099-01-01T00:00:00Z") { id } }', { u: kat });
    expect(set.body.errors).toBeUndefined();
    const me = await harness.as(userViewer(kat), '{ me { premium { active since until } } }');
    expect(me.body.data.me.premium).toEqual({ active: true, since: '2026-01-01T00:00:00.000Z', until: '2099-01-01T00:00:00.000Z' });
    const backwards = await harness.as(billing, 'mutation($u: ID!) { setPremiumSubscription(userId: $u, since: "2026-01-01T00:00:00Z", until: "2025-01-01T00:00:00Z") { id } }', { u: kat });
    expect(backwards.body.errors![0]!.message).toBe('until: must be after since.');
  });

  it('stores phone numbers encrypted with a keyed lookup hash; the owner sees them masked, nobody else at all', async () => {
    const alan = await harness.signUp('alan_phone');
    const invalid = await harness.as(userViewer(alan), 'mutation { setPhoneNumber(e164: "555-1234") { id } }');
    expect(invalid.body.errors![0]!.message).toMatch(/^e164: use E\.164/);
    const set = await harness.as(userViewer(alan), 'mutation { setPhoneNumber(e164: "+15551230042") { phoneNumber } }');
    expect(set.body.data.setPhoneNumber.phoneNumber).toBe('+1••••••••42');

    const doc = (await raw(alan))!;
    const dump = JSON.stringify(await harness.identities[0]!.db.collection('users').find({}).toArray());
    for (const needle of ['+15551230042', '15551230042', '5551230042', clientPhoneHash('+15551230042')]) expect(dump).not.toContain(needle);
    expect(doc.phone.keyId).toBe('p1');
    expect(doc.phoneLookupHash).toMatch(/^[0-9a-f]{64}$/);

    // Others: nothing without CONTACT_DISCOVERY; with it, only the masked form.
    const eve = await harness.signUp('eve_phone');
    const denied = await harness.as(userViewer(eve), 'query($id: ID!) { user(id: $id) { phoneNumber } }', { id: alan });
    expect(denied.body.data.user.phoneNumber).toBeNull();
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', purpose: 'CONTACT_DISCOVERY' });
    await harness.grant(alan, 'CONTACT_DISCOVERY');
    await projectionSees(harness, alan, 'CONTACT_DISCOVERY', true);
    const granted = await harness.as(userViewer(eve), 'query($id: ID!) { user(id: $id) { phoneNumber } }', { id: alan });
    expect(granted.body.data.user.phoneNumber).toBe('+1••••••••42');
  });

  it('contact discovery returns only consenting users, never a number, capped and rate-limited per viewer', async () => {
    const yes = await harness.signUp('disc_yes');
    const no = await harness.signUp('disc_no');
    const withdrew = await harness.signUp('disc_withdrew');
    const asker = await harness.signUp('disc_asker');
    const numbers = { [yes]: '+4915100000001', [no]: '+4915100000002', [withdrew]: '+4915100000003', [asker]: '+4915100000004' };
    for (const [id, number] of Object.entries(numbers)) {
      expect((await harness.as(userViewer(id), 'mutation($n: String!) { setPhoneNumber(e164: $n) { id } }', { n: number })).body.errors).toBeUndefined();
    }
    await harness.grant(yes, 'CONTACT_DISCOVERY');
    await harness.grant(withdrew, 'CONTACT_DISCOVERY');
    await harness.grant(asker, 'CONTACT_DISCOVERY');
    await harness.withdraw(withdrew, 'CONTACT_DISCOVERY');
    await projectionSees(harness, yes, 'CONTACT_DISCOVERY', true);
    await projectionSees(harness, withdrew, 'CONTACT_DISCOVERY', false);

    const hashes = Object.values(numbers).map(clientPhoneHash);
    const found = await harness.as(userViewer(asker), FIND, { h: [...hashes, clientPhoneHash('+4915100000099')] });
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data.findUsersByPhoneHashes).toEqual([{ phoneHash: clientPhoneHash(numbers[yes]!), user: { id: yes, handle: 'disc_yes', phoneNumber: null } }]);

    // Upper-case hex is the same hash; malformed ones are named.
    const upper = await harness.as(userViewer(asker), FIND, { h: [clientPhoneHash(numbers[yes]!).toUpperCase()] });
    expect(upper.body.data.findUsersByPhoneHashes.map((m: { user: { id: string } }) => m.user.id)).toEqual([yes]);
    const malformed = await harness.as(userViewer(asker), FIND, { h: ['abc'] });
    expect(malformed.body.errors![0]!.message).toMatch(/^hashes\[0\]: expected 64 hex/);
    const tooMany = await harness.as(userViewer(asker), FIND, { h: Array.from({ length: 21 }, (_, i) => clientPhoneHash(`+49151000001${String(i).padStart(2, '0')}`)) });
    expect(tooMany.body.errors![0]!.message).toBe('hashes: send at most 20 hashes per call.');

    // 30 hashes per hour: 5 + 1 spent above, 20 more fit, the next 20 do not.
    const fits = await harness.as(userViewer(asker), FIND, { h: Array.from({ length: 20 }, (_, i) => clientPhoneHash(`+49151000003${String(i).padStart(2, '0')}`)) });
    expect(fits.body.errors).toBeUndefined();
    const limited = await harness.as(userViewer(asker), FIND, { h: Array.from({ length: 20 }, (_, i) => clientPhoneHash(`+49151000002${String(i).padStart(2, '0')}`)) });
    expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.body.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Another viewer has its own bucket.
    expect((await harness.as(userViewer(yes), FIND, { h: [clientPhoneHash(numbers[asker]!)] })).body.data.findUsersByPhoneHashes).toHaveLength(1);

    // Anonymous and partner viewers cannot discover anyone.
    expect(errorCodes(await harness.as({ kind: 'anonymous', scopes: [] }, FIND, { h: hashes }))).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
  });

  it('reads phone numbers written under an old key after rotation, and writes new ones under the new key', async () => {
    const rotating = await harness.signUp('rotate_phone');
    await harness.as(userViewer(rotating), 'mutation { setPhoneNumber(e164: "+33612345678") { id } }');
    expect((await raw(rotating))!.phone.keyId).toBe('p1');

    {
      // A second instance on the same database with both keys, writing under the new one.
      const { createIdentity } = await import('../../src/createIdentity');
      const { loadIdentityConfig } = await import('../../src/identityConfig');
      const second = await createIdentity(loadIdentityConfig(harness.env.subgraphEnv('identity', phoneEnv({ p1: oldKey, p2: newKey }, 'p2'))));
      const url = (await second.listen(0)).url;
      try {
        const { postGraphQL } = await import('@profile-graph/kit/testing');
        const me = await postGraphQL(url, '{ me { phoneNumber } }', {}, await harness.env.viewerHeaders(userViewer(rotating), 'identity'));
        expect(me.body.data.me.phoneNumber).toBe('+3••••••••78');
        await postGraphQL(url, 'mutation { setPhoneNumber(e164: "+33612345679") { id } }', {}, await harness.env.viewerHeaders(userViewer(rotating), 'identity'));
        expect((await raw(rotating))!.phone.keyId).toBe('p2');
        // The lookup key did not change: discovery still finds the number.
        await harness.grant(rotating, 'CONTACT_DISCOVERY');
        await eventually(() => expect(second.consent.isGranted(rotating, 'CONTACT_DISCOVERY')).toBe(true));
        const asker = await harness.signUp('rotate_asker');
        const found = await postGraphQL(url, FIND, { h: [clientPhoneHash('+33612345679')] }, await harness.env.viewerHeaders(userViewer(asker), 'identity'));
        expect(found.body.data.findUsersByPhoneHashes.map((m: { user: { id: string } }) => m.user.id)).toEqual([rotating]);
      } finally {
        await second.close();
      }
    }
  });

  it('encrypts plaintext phone numbers left from before issue 5 at startup', async () => {
    const legacy = await harness.signUp('legacy_phone');
    // A raw write bypasses the kit's per-document guard: let the relay finish with the sign-up's
    // outbox first, or FerretDB's read-then-write clear could undo the write below.
    await eventually(async () => expect((await raw(legacy))!._outbox).toEqual([]));
    await harness.identities[0]!.db.collection('users').updateOne({ _id: legacy as never }, { $set: { phoneNumber: '+15559876543' } });
    const { createIdentity } = await import('../../src/createIdentity');
    const { loadIdentityConfig } = await import('../../src/identityConfig');
    const restarted = await createIdentity(loadIdentityConfig(harness.env.subgraphEnv('identity', phoneEnv({ p1: oldKey }, 'p1'))));
    await restarted.close();
    const doc = (await raw(legacy))!;
    expect(doc.phoneNumber).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('5559876543');
    expect(doc.phone.keyId).toBe('p1');
  });
});
