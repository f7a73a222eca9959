import { AppError, anonymousViewer } from '@profile-graph/core';
import { createAuthenticator } from './createAuthenticator';

const verifySession = jest.fn(async (token: string) => {
  if (token !== 'good.token.sig') throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired; sign in again.');
  return { userId: 'u-1', sessionId: 's-1' };
});
const authenticate = createAuthenticator({ verifySession });
const headers = (init: Record<string, string>) => new Headers(init);

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('UNAUTHENTICATED');
  return error as AppError;
}

describe('createAuthenticator', () => {
  it('is anonymous without credentials', async () => {
    await expect(authenticate(headers({}))).resolves.toBe(anonymousViewer);
  });

  it('turns a verified bearer into a user viewer', async () => {
    await expect(authenticate(headers({ authorization: 'Bearer good.token.sig' }))).resolves.toEqual({ kind: 'user', userId: 'u-1', scopes: [] });
    await expect(authenticate(headers({ authorization: 'bearer   good.token.sig ' }))).resolves.toMatchObject({ userId: 'u-1' });
  });

  it('fails on a bearer that does not verify', async () => {
    await rejection(authenticate(headers({ authorization: 'Bearer forged.token.sig' })));
  });

  it('fails on an Authorization header that is not a bearer token', async () => {
    for (const value of ['Basic dTpw', 'Bearer', 'Bearer a b', 'good.token.sig']) {
      expect((await rejection(authenticate(headers({ authorization: value })))).message).toMatch(/Bearer <access token>/);
    }
  });

  it('refuses API keys until partner keys exist, and mixed credentials always', async () => {
    expect((await rejection(authenticate(headers({ 'x-api-key': 'pk_123' })))).message).toMatch(/API keys are not accepted/);
    await rejection(authenticate(headers({ 'x-api-key': 'pk_123', authorization: 'Bearer good.token.sig' })));
  });

  it('hands API keys to the partner verifier once one is given', async () => {
    const withKeys = createAuthenticator({ verifySession, verifyApiKey: async () => ({ kind: 'partner', orgId: 'o-1', keyId: 'k', scopes: ['jobs:read'] }) });
    await expect(withKeys(headers({ 'x-api-key': 'pk_123' }))).resolves.toMatchObject({ kind: 'partner', orgId: 'o-1' });
  });
});
