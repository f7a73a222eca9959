import { AppError, anonymousViewer, type Viewer } from '@profile-graph/kit';

export type SessionVerifier = (token: string) => Promise<{ userId: string; sessionId: string }>;
/** Later issue: partner API keys (`x-api-key`) resolve to a `partner` Viewer through this. */
export type ApiKeyVerifier = (key: string) => Promise<Viewer>;
export type Authenticate = (headers: Headers) => Promise<Viewer>;

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-_.~+/]+=*)[ \t]*$/i;

/**
 * Turns request credentials into the one Viewer the rest of the gateway sees.
 * No credentials means anonymous; credentials that are present but do not
 * verify fail the request, because silently downgrading a broken token to
 * anonymous hides the problem from the client and shows it empty data instead.
 */
export function createAuthenticator(deps: { verifySession: SessionVerifier; verifyApiKey?: ApiKeyVerifier }): Authenticate {
  return async (headers) => {
    const authorization = headers.get('authorization');
    const apiKey = headers.get('x-api-key');
    if (authorization !== null && apiKey !== null) {
      throw new AppError('UNAUTHENTICATED', 'Send either Authorization or x-api-key, not both.');
    }
    if (authorization !== null) {
      const token = BEARER.exec(authorization)?.[1];
      if (!token) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <access token>".');
      const { userId } = await deps.verifySession(token);
      return { kind: 'user', userId, scopes: [] };
    }
    if (apiKey !== null) {
      if (!deps.verifyApiKey) throw new AppError('UNAUTHENTICATED', 'API keys are not accepted by this gateway yet; sign in and send a Bearer token.');
      return deps.verifyApiKey(apiKey);
    }
    return anonymousViewer;
  };
}
