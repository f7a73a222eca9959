import { eventually } from '@profile-graph/kit/testing';
import type { NatsConnection } from 'nats';
import { errorCodes, jpeg, png, projectionSees, startIdentityHarness, userViewer, type IdentityHarness } from '../support/identityHarness';

const SUBMIT = `mutation($id: String!, $selfie: String!) {
  submitIdentityVerification(governmentIdImage: $id, selfieImage: $selfie) { verification { status method verifiedAt } biometricEnrollment { enrolledAt retentionUntil } }
}`;
const ME = '{ me { id verification { status method verifiedAt } biometricEnrollment { enrolledAt lastInteractionAt retentionUntil } biometricDestructions { what enrolledAt destroyedAt reason } } }';
const images = (label: string) => ({ id: jpeg(`id-${label}`).toString('base64'), selfie: png(`selfie-${label}`).toString('base64') });

/**
 * Every distinct event identity publishes on these subjects. Publishing is
 * at-least-once (two relays may publish one event; JetStream stores it once by
 * its id), and a plain subscription sees every publish, so events are counted
 * by id as a JetStream consumer would.
 */
async function recordEvents(harness: IdentityHarness, subjects: string[]) {
  const nc: NatsConnection = await harness.env.connectNats('admin');
  const seen: { subject: string; data: any }[] = [];
  const ids = new Set<string>();
  for (const subject of subjects) {
    const sub = nc.subscribe(subject);
    void (async () => {
      for await (const message of sub) {
        const event = JSON.parse(Buffer.from(message.data).toString());
        if (ids.has(event.id)) continue;
        ids.add(event.id);
        seen.push({ subject: message.subject, data: event.data });
      }
    })();
  }
  return { seen, close: () => nc.close() };
}

describe('ID verification and the biometric lifecycle, templates kept for re-verification (real NATS, MongoDB-wire server, consent subgraph)', () => {
  let harness: IdentityHarness;
  let events: Awaited<ReturnType<typeof recordEvents>>;

  beforeAll(async () => {
    // Two identity instances share the withdrawal consumer: each withdrawal must be handled exactly once.
    // An operator who keeps templates for re-verification says so: the default destroys them (see below).
    harness = await startIdentityHarness({ instances: 2, env: { BIOMETRIC_DESTROY_AFTER_VERIFICATION: 'false' } });
    events = await recordEvents(harness, ['identity.v1.verification.completed', 'identity.v1.biometric.destroyed', 'identity.v1.user.updated']);
  });
  afterAll(async () => {
    await events?.close();
    await harness?.stop();
  });

  async function rawUser(userId: string) {
    return harness.identities[0]!.db.collection('users').findOne({ _id: userId as never });
  }

  it('refuses without Premium, and without BIOMETRIC_VERIFICATION consent, storing nothing', async () => {
    const ada = await harness.signUp('ada_nopremium');
    const before = await rawUser(ada);

    const noPremium = await harness.as(userViewer(ada), SUBMIT, images('a'));
    expect(errorCodes(noPremium)).toEqual(['FORBIDDEN']);
    expect(noPremium.body.errors![0]!.message).toMatch(/Premium/);
    expect(noPremium.body.errors![0]!.extensions!.reason).toBe('PREMIUM_REQUIRED');

    await harness.makePremium(ada);
    const noConsent = await harness.as(userViewer(ada), SUBMIT, images('a'));
    expect(errorCodes(noConsent)).toEqual(['CONSENT_REQUIRED']);
    expect(noConsent.body.errors![0]!.message).toMatch(/written release/);
    expect(noConsent.body.errors![0]!.extensions!.purpose).toBe('BIOMETRIC_VERIFICATION');

    const after = await rawUser(ada);
    expect(after!.verification).toBeUndefined();
    expect(after!.biometric).toBeUndefined();
    expect(after!.biometricDestructions).toBeUndefined();
    // The outbox's own bookkeeping (_outboxPending) comes and goes with the relay; no other field may appear.
    const fields = (doc: object) => Object.keys(doc).filter((key) => key !== '_outboxPending');
    expect(fields(after!).sort()).toEqual([...fields(before!), 'premiumSince'].sort());
  });

  it('verifies a consenting Premium user; the template is encrypted, images never stored, nothing returned but dates', async () => {
    const grace = await harness.signUp('grace_verifies');
    await harness.makePremium(grace);
    await harness.grant(grace, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, grace, 'BIOMETRIC_VERIFICATION', true);

    const input = images('grace');
    const response = await harness.as(userViewer(grace), SUBMIT, input);
    expect(response.body.errors).toBeUndefined();
    const result = response.body.data.submitIdentityVerification;
    expect(result.verification).toMatchObject({ status: 'VERIFIED', method: 'DEVELOPMENT_STAND_IN' });
    expect(result.biometricEnrollment.enrolledAt).toBeTruthy();
    expect(new Date(result.biometricEnrollment.retentionUntil).getTime() - new Date(result.biometricEnrollment.enrolledAt).getTime()).toBe(1095 * 24 * 3600 * 1000);

    const raw = JSON.stringify(await harness.identities[0]!.db.collection('users').find({}).toArray());
    // Neither image (nor any recognisable part of it) nor a plaintext template is in the collection.
    for (const needle of [input.id, input.selfie, input.id.slice(8, 48), input.selfie.slice(8, 40), 'fake-jpeg', 'fake-png', 'dev-stand-in-template']) expect(raw).not.toContain(needle);
    const stored = (await rawUser(grace))!;
    expect(Object.keys(stored.biometric.template).sort()).toEqual(['ciphertext', 'iv', 'keyId', 'tag']);
    expect(harness.identities[0]!.services.biometricBox.open(stored.biometric.template, `biometric:${grace}`).length).toBe(64);

    await eventually(() => expect(events.seen).toContainEqual({ subject: 'identity.v1.verification.completed', data: expect.objectContaining({ userId: grace, status: 'VERIFIED' }) }));

    // Others see neither the verification nor the enrollment.
    const other = await harness.signUp('grace_watcher');
    const seen = await harness.as(userViewer(other), 'query($id: ID!) { user(id: $id) { verification { status } biometricEnrollment { enrolledAt } biometricDestructions { reason } } }', { id: grace });
    expect(seen.body.data.user).toEqual({ verification: null, biometricEnrollment: null, biometricDestructions: null });

    // And what they are told is the same for someone who never consented: nothing to learn about who gave biometric consent.
    const never = await harness.signUp('grace_never_consented');
    const ENROLLMENT = 'query($id: ID!) { user(id: $id) { biometricEnrollment { enrolledAt } } }';
    for (const viewer of [userViewer(other), { kind: 'anonymous' as const, scopes: [] }, { kind: 'partner' as const, orgId: 'o1', keyId: 'k1', scopes: ['candidates:search'] }, { kind: 'service' as const, scopes: ['operator:organizations'] }]) {
      const consenter = await harness.as(viewer, ENROLLMENT, { id: grace });
      const nonConsenter = await harness.as(viewer, ENROLLMENT, { id: never });
      expect(consenter.body).toEqual(nonConsenter.body);
      expect(consenter.body.data.user.biometricEnrollment).toBeNull();
      expect(errorCodes(consenter)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
      expect(consenter.body.errors![0]!.extensions!.purpose).toBeUndefined();
    }
  });

  it('a provider rejection stores no template and says REJECTED', async () => {
    const alan = await harness.signUp('alan_rejected');
    await harness.makePremium(alan);
    await harness.grant(alan, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, alan, 'BIOMETRIC_VERIFICATION', true);
    const same = jpeg('same').toString('base64');
    const response = await harness.as(userViewer(alan), SUBMIT, { id: same, selfie: same });
    expect(response.body.data.submitIdentityVerification).toEqual({ verification: { status: 'REJECTED', method: 'DEVELOPMENT_STAND_IN', verifiedAt: null }, biometricEnrollment: null });
    expect((await rawUser(alan))!.biometric).toBeUndefined();
    await eventually(() => expect(events.seen).toContainEqual({ subject: 'identity.v1.verification.completed', data: expect.objectContaining({ userId: alan, status: 'REJECTED' }) }));
  });

  it('refuses bad images naming the field, before anything is stored', async () => {
    const kat = await harness.signUp('kat_badimages');
    await harness.makePremium(kat);
    await harness.grant(kat, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, kat, 'BIOMETRIC_VERIFICATION', true);
    const notImage = await harness.as(userViewer(kat), SUBMIT, { id: Buffer.from('plain text').toString('base64'), selfie: images('k').selfie });
    expect(notImage.body.errors![0]).toMatchObject({ message: expect.stringMatching(/^governmentIdImage: use a JPEG/), extensions: { code: 'BAD_USER_INPUT' } });
    const huge = await harness.as(userViewer(kat), SUBMIT, { id: images('k').id, selfie: Buffer.alloc(400_000, 1).toString('base64') });
    expect(huge.body.errors![0]!.message).toMatch(/^selfieImage: images may be at most 300000 bytes/);
    expect((await rawUser(kat))!.verification).toBeUndefined();
  });

  it('destroys the template within 1 s of consent withdrawal, exactly once across two instances, and lists it to the owner', async () => {
    const linus = await harness.signUp('linus_withdraws');
    await harness.makePremium(linus);
    await harness.grant(linus, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, linus, 'BIOMETRIC_VERIFICATION', true);
    expect((await harness.as(userViewer(linus), SUBMIT, images('linus'))).body.errors).toBeUndefined();
    expect((await rawUser(linus))!.biometric).toBeDefined();

    const withdrawnAt = Date.now();
    await harness.withdraw(linus, 'BIOMETRIC_VERIFICATION');
    const destroyedAt = await eventually(async () => {
      const doc = await rawUser(linus);
      if (doc!.biometric) throw new Error('template still there');
      return Date.now();
    }, 2000, 5);
    expect(destroyedAt - withdrawnAt).toBeLessThan(1000);

    const me = await harness.as(userViewer(linus), ME, {}, 1);
    expect(me.body.data.me.biometricEnrollment).toBeNull();
    expect(me.body.data.me.biometricDestructions).toEqual([
      { what: expect.stringMatching(/biometric template/), enrolledAt: expect.any(String), destroyedAt: expect.any(String), reason: 'CONSENT_WITHDRAWN' },
    ]);
    // The verification outcome (a fact) stays; only the biometric data goes.
    expect(me.body.data.me.verification.status).toBe('VERIFIED');
    await eventually(() => expect(events.seen.filter((e) => e.subject === 'identity.v1.biometric.destroyed' && e.data.userId === linus)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.seen.filter((e) => e.subject === 'identity.v1.biometric.destroyed' && e.data.userId === linus)).toHaveLength(1);
    expect((await rawUser(linus))!.biometricDestructions).toHaveLength(1);

    // Without consent, a new attempt is refused.
    await projectionSees(harness, linus, 'BIOMETRIC_VERIFICATION', false);
    expect(errorCodes(await harness.as(userViewer(linus), SUBMIT, images('linus2')))).toEqual(['CONSENT_REQUIRED']);
  });

  it('a re-grant and new enrollment survive a replayed older withdrawal', async () => {
    const mary = await harness.signUp('mary_regrants');
    await harness.makePremium(mary);
    await harness.grant(mary, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, mary, 'BIOMETRIC_VERIFICATION', true);
    await harness.withdraw(mary, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, mary, 'BIOMETRIC_VERIFICATION', false);
    await harness.grant(mary, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, mary, 'BIOMETRIC_VERIFICATION', true);
    await eventually(async () => expect((await rawUser(mary))!.biometricConsentWithdrawnVersion).toBe(2));
    expect((await harness.as(userViewer(mary), SUBMIT, images('mary'))).body.errors).toBeUndefined();
    // Replay the version-2 withdrawal as a redelivery would.
    const { createEvent } = await import('@profile-graph/kit');
    await (await harness.env.bus('consent')).publish(createEvent('consent.v1.consent.withdrawn', { userId: mary, purpose: 'BIOMETRIC_VERIFICATION', status: 'WITHDRAWN', version: 2 }, mary));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rawUser(mary))!.biometric).toBeDefined();
  });

  it('the retention sweep destroys templates past retention, with an injected clock; signing in does not extend it', async () => {
    const joan = await harness.signUp('joan_retained');
    await harness.makePremium(joan);
    await harness.grant(joan, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, joan, 'BIOMETRIC_VERIFICATION', true);
    expect((await harness.as(userViewer(joan), SUBMIT, images('joan'))).body.errors).toBeUndefined();
    const enrolled = (await rawUser(joan))!.biometric;

    expect(enrolled.retentionUntil.getTime()).toBe(enrolled.lastInteractionAt.getTime() + 1095 * 86_400_000);

    // A sign-in 100 days later never opens the template, so it does not push its destruction out.
    const start = harness.clock.now;
    harness.clock.now = new Date(start.getTime() + 100 * 86_400_000);
    const signIn = await harness.as({ kind: 'anonymous', scopes: [] }, 'mutation { signIn(handle: "joan_retained", password: "correct horse battery") { token } }');
    expect(signIn.body.errors).toBeUndefined();
    const touched = (await rawUser(joan))!.biometric;
    expect(touched.retentionUntil.getTime()).toBe(enrolled.retentionUntil.getTime());
    expect(touched.lastInteractionAt.getTime()).toBe(enrolled.lastInteractionAt.getTime());

    // Just before the date: kept. Just after: destroyed by the sweep.
    harness.clock.now = new Date(touched.retentionUntil.getTime() - 1000);
    await harness.identities[0]!.retentionSweep.runOnce();
    expect((await rawUser(joan))!.biometric).toBeDefined();
    harness.clock.now = new Date(touched.retentionUntil.getTime() + 1000);
    // Both instances sweep at once: still one destruction.
    const counts = await Promise.all(harness.identities.map((identity) => identity.retentionSweep.runOnce()));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const after = (await rawUser(joan))!;
    expect(after.biometric).toBeUndefined();
    expect(after.biometricDestructions.map((d: { reason: string }) => d.reason)).toEqual(['RETENTION_EXPIRED']);
    harness.clock.now = new Date();
  });

  it('publishes the retention policy to anyone, saying which rule applies and naming the verification provider', async () => {
    const response = await harness.as({ kind: 'anonymous', scopes: [] }, '{ biometricRetentionPolicy { rule retentionDaysAfterLastInteraction destroyedOnConsentWithdrawal destroyedWithinSecondsOfWithdrawal destroyedAfterVerification sharedWithThirdParties processors { name receives role } summary } }');
    expect(response.body.data.biometricRetentionPolicy).toMatchObject({
      rule: 'KEPT_UNTIL_RETENTION_ENDS',
      retentionDaysAfterLastInteraction: 1095,
      destroyedOnConsentWithdrawal: true,
      destroyedWithinSecondsOfWithdrawal: 1,
      destroyedAfterVerification: false,
      sharedWithThirdParties: true,
      processors: [{ name: expect.stringMatching(/verification provider/), receives: expect.stringMatching(/government ID image and the selfie/), role: expect.stringMatching(/^processor/) }],
    });
    expect(response.body.data.biometricRetentionPolicy.summary).toMatch(/at the latest 1095 days after your last verification/);
  });
});

describe('by default (BIOMETRIC_DESTROY_AFTER_VERIFICATION unset: true)', () => {
  let harness: IdentityHarness;
  beforeAll(async () => {
    harness = await startIdentityHarness();
  });
  afterAll(async () => harness?.stop());

  it('the template is gone from the raw collection right after a successful verification, destroyed as PURPOSE_SATISFIED', async () => {
    const ada = await harness.signUp('ada_purpose');
    await harness.makePremium(ada);
    await harness.grant(ada, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, ada, 'BIOMETRIC_VERIFICATION', true);
    const response = await harness.as(userViewer(ada), SUBMIT, images('ada'));
    expect(response.body.data.submitIdentityVerification).toMatchObject({ verification: { status: 'VERIFIED' }, biometricEnrollment: null });
    const raw = (await harness.identities[0]!.db.collection('users').findOne({ _id: ada as never }))!;
    expect(raw.verification.status).toBe('VERIFIED');
    expect(raw.biometric).toBeUndefined();
    // Not under another name either: no ciphertext of a template anywhere in the document.
    expect(JSON.stringify(raw)).not.toMatch(/template"|ciphertext/);
    expect(raw.biometricDestructions.map((d: { reason: string }) => d.reason)).toEqual(['PURPOSE_SATISFIED']);
    const policy = await harness.as({ kind: 'anonymous', scopes: [] }, '{ biometricRetentionPolicy { rule destroyedAfterVerification } }');
    expect(policy.body.data.biometricRetentionPolicy).toEqual({ rule: 'DESTROYED_AFTER_VERIFICATION', destroyedAfterVerification: true });
  });
});
