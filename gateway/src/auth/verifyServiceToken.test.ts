import { createHash } from 'node:crypto';
import { AppError } from '@profile-graph/core';
import { loadGatewayConfig } from '../config/loadGatewayConfig';
import { createAuthenticator } from './createAuthenticator';
import { createServiceTokenVerifier } from './verifyServiceToken';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('service tokens', () => {
  const verifyService = createServiceTokenVerifier([
    { sha256: sha256('trainer-secret'), scopes: ['ml:training'] },
    { sha256: sha256('ads-secret'), scopes: ['ads:personalization'] },
  ]);
  const authenticate = createAuthenticator({ verifySession: async () => ({ userId: 'u', sessionId: 's' }), verifyService });

  it('turn a known x-service-token into a service viewer with that token\'s scopes, named by its hash', async () => {
    await expect(authenticate(new Headers({ 'x-service-token': 'trainer-secret' }))).resolves.toEqual({
      kind: 'service',
      scopes: ['ml:training'],
      keyId: `service:${sha256('trainer-secret').slice(0, 12)}`,
    });
    await expect(authenticate(new Headers({ 'x-service-token': 'ads-secret' }))).resolves.toMatchObject({ scopes: ['ads:personalization'] });
  });

  it('refuse an unknown token, a token beside another credential, and tokens on a gateway without SERVICE_TOKENS', async () => {
    await expect(authenticate(new Headers({ 'x-service-token': 'guess' }))).rejects.toThrow(AppError);
    await expect(authenticate(new Headers({ 'x-service-token': 'trainer-secret', authorization: 'Bearer a.b.c' }))).rejects.toThrow(/Send one credential/);
    const without = createAuthenticator({ verifySession: async () => ({ userId: 'u', sessionId: 's' }) });
    await expect(without(new Headers({ 'x-service-token': 'trainer-secret' }))).rejects.toThrow(/SERVICE_TOKENS/);
  });

  it('are configured as JSON whose scopes come from the fixed set, with a message naming what is wrong', () => {
    const load = (value: string) => () => loadGatewayConfig([], { VIEWER_PRIVATE_KEY: 'x', SESSION_PUBLIC_KEY: 'y', SERVICE_TOKENS: value });
    expect(load('not json')).toThrow(/SERVICE_TOKENS[\s\S]*expected JSON/);
    expect(load(JSON.stringify([{ sha256: sha256('t'), scopes: ['operator:organizations'] }]))).toThrow(/SERVICE_TOKENS[\s\S]*expected scopes among/);
    expect(load(JSON.stringify([{ sha256: 'abc', scopes: ['ml:training'] }]))).toThrow(/SERVICE_TOKENS[\s\S]*64 hex/);
  });
});
