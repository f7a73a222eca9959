import { randomUUID } from 'node:crypto';
import { createSessionSigner, createSessionVerifier, generateKeyPairPem } from '@profile-graph/core';
import { cachingSessionVerifier } from './cachingSessionVerifier';

describe('cachingSessionVerifier', () => {
  const keys = generateKeyPairPem();

  it('verifies a token once and answers the same claims until it expires, then verifies again', async () => {
    const verify = jest.fn(await createSessionVerifier({ k1: keys.publicKey }));
    let now = Date.now();
    const caching = cachingSessionVerifier(verify, () => now);
    const sign = await createSessionSigner(keys.privateKey, { ttlSeconds: 30, kid: 'k1' });
    const { token } = await sign({ userId: 'aaaaaaaaaaaaaaaaaaaaaaaa', sessionId: randomUUID() });
    const first = await caching(token);
    expect(await caching(token)).toEqual(first);
    expect(verify).toHaveBeenCalledTimes(1);
    // Past its exp the token goes back to the real verifier (which reads the real clock, so it still passes here).
    now += 31_000;
    await caching(token);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('never keeps a failure: a forged token is refused every time', async () => {
    const verify = jest.fn(await createSessionVerifier({ k1: keys.publicKey }));
    const caching = cachingSessionVerifier(verify);
    const forged = await createSessionSigner(generateKeyPairPem().privateKey, { ttlSeconds: 600, kid: 'k1' });
    const { token } = await forged({ userId: 'aaaaaaaaaaaaaaaaaaaaaaaa', sessionId: randomUUID() });
    await expect(caching(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(caching(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(verify).toHaveBeenCalledTimes(2);
  });
});
