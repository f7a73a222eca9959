import { AppError, anonymousViewer, type Viewer } from '@profile-graph/core';

export type SessionVerifier = (token: string) => Promise<{ userId: string; sessionId: string }>;
/** Partner API keys (`x-api-key`) resolve to a `partner` Viewer through this. */
export type ApiKeyVerifier = (key: string) => Promise<Viewer>;
/** `x-operator-token` resolves to the operator's `service` Viewer through this. */
export type OperatorVerifier = (token: string) => Promise<Viewer>;
/** `x-service-token` resolves to an internal service's `service` Viewer, with its scopes, through this. */
export type ServiceVerifier = (token: string) => Promise<Viewer>;
export type Authenticate = (headers: Headers) => Promise<Viewer>;

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-_.~+/]+=*)[ \t]*$/i;

/**
 * Turns request credentials into the one Viewer the rest of the gateway sees.
 * No credentials means anonymous; credentials that are present but do not
 * verify fail the request, because silently downgrading a broken token to
 * anonymous hides the problem from the client and shows it empty data instead.
 */
export function createAuthenticator(deps: {
  verifySession: SessionVerifier;
  verifyApiKey?: ApiKeyVerifier;
  verifyOperator?: OperatorVerifier;
  verifyService?: ServiceVerifier;
}): Authenticate {
  return async (headers) => {
    const authorization = headers.get('authorization');
    const apiKey = headers.get('x-api-key');
    const operatorToken = headers.get('x-operator-token');
    const serviceToken = headers.get('x-service-token');
    if ([authorization, apiKey, operatorToken, serviceToken].filter((value) => value !== null).length > 1) {
      throw new AppError('UNAUTHENTICATED', 'Send one credential: Authorization, x-api-key, x-operator-token or x-service-token, not several.');
    }
    if (serviceToken !== null) {
      if (!deps.verifyService) throw new AppError('UNAUTHENTICATED', 'Service tokens are not configured on this gateway (SERVICE_TOKENS).');
      return deps.verifyService(serviceToken);
    }
    if (operatorToken !== null) {
      if (!deps.verifyOperator) throw new AppError('UNAUTHENTICATED', 'Operator access is not configured on this gateway.');
      return deps.verifyOperator(operatorToken);
    }
    if (authorization !== null) {
      const token = BEARER.exec(authorization)?.[1];
      if (!token) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <access token>".');
      const { userId } = await deps.verifySession(token);
      return { kind: 'user', userId, scopes: [] };
    }
    if (apiKey !== null) {
      if (!deps.verifyApiKey) throw new AppError('UNAUTHENTICATED', 'API keys are not accepted by this gateway (it has no NATS_URL to check them); sign in and send a Bearer token.');
      return deps.verifyApiKey(apiKey);
    }
    return anonymousViewer;
  };
}
