import { HttpVerificationProvider } from '../../src/verification/httpVerificationProvider';
import { VerificationProviderError } from '../../src/verification/verificationProvider';
import { errorCodes, jpeg, png, projectionSees, startFakeProvider, startIdentityHarness, userViewer, type IdentityHarness } from '../support/identityHarness';

const request = () => ({ governmentIdImage: jpeg('id'), selfieImage: png('selfie'), reference: 'ref-1' });
const verified = { status: 'VERIFIED', reason: null, documentCheck: { passed: true, documentType: 'PASSPORT' }, faceMatch: { passed: true, score: 0.97 }, biometricTemplate: Buffer.from('template-bytes').toString('base64') };

describe('HttpVerificationProvider against a local server speaking VERIFICATION_PROVIDER.md', () => {
  it('sends the documented request and maps the documented answer', async () => {
    const server = await startFakeProvider(() => ({ status: 200, body: verified }));
    try {
      const provider = new HttpVerificationProvider({ url: `${server.url}/base`, token: 'provider-token', timeoutMs: 2000 });
      const outcome = await provider.verify(request());
      expect(outcome).toEqual({
        status: 'VERIFIED',
        reason: null,
        documentCheck: { passed: true, documentType: 'PASSPORT' },
        faceMatch: { passed: true, score: 0.97 },
        biometricTemplate: Buffer.from('template-bytes'),
      });
      expect(server.received).toEqual([
        {
          method: 'POST',
          url: '/base/v1/verifications',
          authorization: 'Bearer provider-token',
          body: { reference: 'ref-1', governmentIdImage: jpeg('id').toString('base64'), selfieImage: png('selfie').toString('base64') },
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a non-200', { status: 500, body: { error: 'boom' } }],
    ['a body outside the contract', { status: 200, body: { status: 'MAYBE' } }],
    ['a score out of range', { status: 200, body: { ...verified, faceMatch: { passed: true, score: 7 } } }],
  ])('treats %s as a provider error', async (_, reply) => {
    const server = await startFakeProvider(() => reply);
    try {
      await expect(new HttpVerificationProvider({ url: server.url, timeoutMs: 2000 }).verify(request())).rejects.toBeInstanceOf(VerificationProviderError);
    } finally {
      await server.close();
    }
  });

  it('treats an unreachable provider as a provider error', async () => {
    await expect(new HttpVerificationProvider({ url: 'http://127.0.0.1:1', timeoutMs: 500 }).verify(request())).rejects.toBeInstanceOf(VerificationProviderError);
  });
});

describe('identity with VERIFICATION_PROVIDER=http', () => {
  let harness: IdentityHarness;
  let server: Awaited<ReturnType<typeof startFakeProvider>>;
  let fail = false;

  beforeAll(async () => {
    server = await startFakeProvider(() => (fail ? { status: 503, body: {} } : { status: 200, body: verified }));
    // Templates kept (not the default) so the test can open what was stored and compare it with the provider's answer.
    harness = await startIdentityHarness({ env: { VERIFICATION_PROVIDER: 'http', VERIFICATION_PROVIDER_URL: server.url, BIOMETRIC_DESTROY_AFTER_VERIFICATION: 'false' } });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it('verifies through the provider; a provider outage leaves state unchanged and stores nothing', async () => {
    const ada = await harness.signUp('ada_http');
    await harness.makePremium(ada);
    await harness.grant(ada, 'BIOMETRIC_VERIFICATION');
    await projectionSees(harness, ada, 'BIOMETRIC_VERIFICATION', true);
    const submit = 'mutation($i: String!, $s: String!) { submitIdentityVerification(governmentIdImage: $i, selfieImage: $s) { verification { status method } } }';
    const images = { i: jpeg('id').toString('base64'), s: png('selfie').toString('base64') };

    fail = true;
    const down = await harness.as(userViewer(ada), submit, images);
    expect(errorCodes(down)).toEqual(['SERVICE_UNAVAILABLE']);
    const raw = () => harness.identities[0]!.db.collection('users').findOne({ _id: ada as never });
    expect((await raw())!.verification).toBeUndefined();
    expect((await raw())!.biometric).toBeUndefined();

    fail = false;
    const up = await harness.as(userViewer(ada), submit, images);
    expect(up.body.data.submitIdentityVerification.verification).toEqual({ status: 'VERIFIED', method: 'GOVERNMENT_ID_AND_SELFIE' });
    const stored = (await raw())!;
    expect(JSON.stringify(stored)).not.toContain(Buffer.from('template-bytes').toString('base64'));
    expect(harness.identities[0]!.services.biometricBox.open(stored.biometric.template, `biometric:${ada}`).toString()).toBe('template-bytes');
  });
});
