import { createViewerSigner, generateKeyPairPem, type Viewer } from '@profile-graph/core';
import { reusingViewerSigner } from './reusingViewerSigner';

const ada: Viewer = { kind: 'user', userId: 'u-ada', scopes: ['a', 'b'], clientIp: '10.0.0.1' };

describe('reusingViewerSigner', () => {
  let sign: Awaited<ReturnType<typeof createViewerSigner>>;
  beforeAll(async () => {
    sign = await createViewerSigner(generateKeyPairPem().privateKey);
  });

  it('signs a viewer once per subgraph while the token is young, and again after 10 s', async () => {
    let now = 1_000_000;
    const inner = jest.fn(sign);
    const reusing = reusingViewerSigner(inner, () => now);
    const first = await reusing(ada, 'identity');
    expect(await reusing({ ...ada }, 'identity')).toBe(first);
    // The same viewer with its fields in another order is the same viewer.
    expect(await reusing({ clientIp: '10.0.0.1', scopes: ['a', 'b'], userId: 'u-ada', kind: 'user' }, 'identity')).toBe(first);
    expect(inner).toHaveBeenCalledTimes(1);
    now += 10_001;
    await reusing(ada, 'identity');
    expect(inner).toHaveBeenCalledTimes(2);
  });

  it('never hands one viewer or audience another one’s token', async () => {
    const inner = jest.fn(sign);
    const reusing = reusingViewerSigner(inner);
    const tokens = await Promise.all([
      reusing(ada, 'identity'),
      reusing(ada, 'hiring'),
      reusing({ ...ada, userId: 'u-grace' }, 'identity'),
      reusing({ ...ada, clientIp: '10.0.0.2' }, 'identity'),
      reusing({ ...ada, scopes: ['a'] }, 'identity'),
    ]);
    expect(new Set(tokens).size).toBe(5);
    expect(inner).toHaveBeenCalledTimes(5);
  });

  it('does not reuse a token with less than 15 s of life left, nor keep a failed signature', async () => {
    const shortLived = await createViewerSigner(generateKeyPairPem().privateKey, { ttlSeconds: 10 });
    const inner = jest.fn(shortLived);
    const reusing = reusingViewerSigner(inner);
    await reusing(ada, 'identity');
    await reusing(ada, 'identity');
    expect(inner).toHaveBeenCalledTimes(2);

    const failing = jest.fn().mockRejectedValueOnce(new Error('no key')).mockResolvedValue('a.b.c');
    const retrying = reusingViewerSigner(failing);
    await expect(retrying(ada, 'identity')).rejects.toThrow('no key');
    await expect(retrying(ada, 'identity')).resolves.toBe('a.b.c');
  });
});
