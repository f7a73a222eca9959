import { createHash } from 'node:crypto';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const WRITTEN_RELEASE = { signerName: 'Ada Lovelace', signedAt: '2026-01-01T00:00:00Z' };

// Issue 5 through the real gateway and all four subgraphs.
describe('identity through the gateway: profile, phone, contact discovery, verification', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => graph?.stop());

  it('the owner sees a masked phone number, others nothing; discovery needs CONTACT_DISCOVERY', async () => {
    const ada = await graph.signUp('gw_ada');
    const bob = await graph.signUp('gw_bob');
    const set = await graph.query('mutation { setPhoneNumber(e164: "+15557654321") { phoneNumber } }', {}, ada.token);
    expect(set.body).toEqual({ data: { setPhoneNumber: { phoneNumber: '+1••••••••21' } } });

    const find = 'query($h: [String!]!) { findUsersByPhoneHashes(hashes: $h) { phoneHash user { handle phoneNumber } } }';
    expect((await graph.query(find, { h: [sha256('+15557654321')] }, bob.token)).body).toEqual({ data: { findUsersByPhoneHashes: [] } });

    const granted = await graph.query('mutation($i: GrantConsentInput!) { grantConsent(input: $i) { status } }', { i: { purpose: 'CONTACT_DISCOVERY', policyVersion: '2026-01' } }, ada.token);
    expect(granted.body.errors).toBeUndefined();
    await eventually(async () => {
      const found = await graph.query(find, { h: [sha256('+15557654321')] }, bob.token);
      expect(found.body).toEqual({ data: { findUsersByPhoneHashes: [{ phoneHash: sha256('+15557654321'), user: { handle: 'gw_ada', phoneNumber: null } }] } });
    });
    const anonymous = await graph.query(find, { h: [sha256('+15557654321')] });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('verification: refused without Premium, then without consent; verified with both; the template is destroyed as soon as it is done', async () => {
    const grace = await graph.signUp('gw_grace');
    const submit = 'mutation($i: String!, $s: String!) { submitIdentityVerification(governmentIdImage: $i, selfieImage: $s) { verification { status } } }';
    const images = {
      i: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('id-card')]).toString('base64'),
      s: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('selfie')]).toString('base64'),
    };
    expect((await graph.query(submit, images, grace.token)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The billing operator's scope is not among the gateway's operator scopes yet: set Premium as billing would, in identity's database.
    await graph.subgraphs.identity.services.users.updateOne({ _id: grace.id }, { $set: { premiumSince: new Date(Date.now() - 60_000) } });
    expect((await graph.query(submit, images, grace.token)).body.errors?.[0]?.extensions?.code).toBe('CONSENT_REQUIRED');

    const withoutRelease = await graph.query('mutation($i: GrantConsentInput!) { grantConsent(input: $i) { status } }', { i: { purpose: 'BIOMETRIC_VERIFICATION', policyVersion: '2026-01' } }, grace.token);
    expect(withoutRelease.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const grant = await graph.query('mutation($i: GrantConsentInput!) { grantConsent(input: $i) { status } }', { i: { purpose: 'BIOMETRIC_VERIFICATION', policyVersion: '2026-01', writtenRelease: WRITTEN_RELEASE } }, grace.token);
    expect(grant.body.errors).toBeUndefined();
    await eventually(() => expect(graph.subgraphs.identity.consent.isGranted(grace.id, 'BIOMETRIC_VERIFICATION')).toBe(true));
    expect((await graph.query(submit, images, grace.token)).body).toEqual({ data: { submitIdentityVerification: { verification: { status: 'VERIFIED' } } } });
    // By default the template serves its one verification and is destroyed: nothing is enrolled, the destruction is listed.
    const me = await graph.query('{ me { biometricEnrollment { enrolledAt } biometricDestructions { reason } } }', {}, grace.token);
    expect(me.body).toEqual({ data: { me: { biometricEnrollment: null, biometricDestructions: [{ reason: 'PURPOSE_SATISFIED' }] } } });
    const raw = await graph.subgraphs.identity.db.collection('users').findOne({ _id: grace.id as never });
    expect(raw?.biometric).toBeUndefined();
    // The export names the provider that received the images, in the item and in the summary of recipients.
    const archive = (await graph.query('{ exportMyData }', {}, grace.token)).body.data.exportMyData;
    const verification = archive.sections.identity.items.find((item: { kind: string }) => item.kind === 'ID verification result');
    expect(verification.recipients).toEqual([{ kind: 'PROCESSOR', name: expect.stringMatching(/verification provider/), what: expect.stringMatching(/government ID image and the selfie/), at: expect.any(String) }]);
    expect(archive.recipients).toContainEqual(expect.objectContaining({ kind: 'PROCESSOR', name: expect.stringMatching(/verification provider/) }));
    const consentItem = archive.sections.consent.items.find((item: { purpose: string; kind: string }) => item.purpose === 'BIOMETRIC_VERIFICATION' && item.kind.startsWith('consent decision'));
    expect(consentItem.data.recipients).toMatch(/^nobody but you/);

    const withdrawn = await graph.query('mutation { withdrawConsent(purpose: BIOMETRIC_VERIFICATION) { status } }', {}, grace.token);
    expect(withdrawn.body.errors).toBeUndefined();
    await eventually(() => expect(graph.subgraphs.identity.consent.isGranted(grace.id, 'BIOMETRIC_VERIFICATION')).toBe(false));
    expect((await graph.query(submit, images, grace.token)).body.errors?.[0]?.extensions?.code).toBe('CONSENT_REQUIRED');
    const policy = await graph.query('{ biometricRetentionPolicy { rule retentionDaysAfterLastInteraction sharedWithThirdParties processors { name } } }');
    expect(policy.body).toEqual({
      data: { biometricRetentionPolicy: { rule: 'DESTROYED_AFTER_VERIFICATION', retentionDaysAfterLastInteraction: 1095, sharedWithThirdParties: true, processors: [{ name: expect.stringMatching(/verification provider/) }] } },
    });
  });
});
