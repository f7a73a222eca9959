import { SignJWT, importPKCS8 } from 'jose';
import { AppError } from '../errors/appError';
import { generateKeyPairPem } from './generateViewerKeys';
import { createViewerSigner } from './signViewer';
import { createViewerVerifier } from './verifyViewer';
import { VIEWER_ISSUER, viewerAudience } from './viewer';

describe('viewer tokens', () => {
  const keys = generateKeyPairPem();
  const viewer = { kind: 'user' as const, userId: 'u1', scopes: [] };

  it('round-trips a viewer for the subgraph it was signed for', async () => {
    const sign = await createViewerSigner(keys.privateKey);
    const verify = await createViewerVerifier(keys.publicKey, 'identity');
    await expect(verify(await sign(viewer, 'identity'))).resolves.toEqual(viewer);
  });

  it.each([
    ['missing', async () => undefined],
    ['signed for another subgraph', async () => (await createViewerSigner(keys.privateKey))(viewer, 'hiring')],
    ['signed with another key', async () => (await createViewerSigner(generateKeyPairPem().privateKey))(viewer, 'identity')],
    ['expired', async () => (await createViewerSigner(keys.privateKey, { ttlSeconds: -10 }))(viewer, 'identity')],
    ['unsigned (alg none)', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ viewer, iss: VIEWER_ISSUER, aud: viewerAudience('identity'), exp: 9999999999 })).toString('base64url');
      return `${header}.${body}.`;
    }],
    ['carrying a malformed viewer', async () => {
      const key = await importPKCS8(keys.privateKey, 'EdDSA');
      return new SignJWT({ viewer: { kind: 'superuser' } })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer(VIEWER_ISSUER)
        .setAudience(viewerAudience('identity'))
        .setExpirationTime('1m')
        .sign(key);
    }],
  ])('rejects a token that is %s with UNAUTHENTICATED', async (_label, makeToken) => {
    const verify = await createViewerVerifier(keys.publicKey, 'identity');
    const rejection = verify(await makeToken());
    await expect(rejection).rejects.toBeInstanceOf(AppError);
    await expect(rejection).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
