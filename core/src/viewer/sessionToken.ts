import { SignJWT, importPKCS8, importSPKI, jwtVerify } from 'jose';
import { AppError } from '../errors/appError';

/**
 * User access tokens: identity signs them at sign-in, the gateway verifies
 * them on every request. Asymmetric so only identity can mint sessions.
 */
export const SESSION_ISSUER = 'profile-graph:identity';
export const SESSION_AUDIENCE = 'profile-graph:gateway';
const SESSION_ALG = 'EdDSA';

export interface SessionClaims {
  userId: string;
  sessionId: string;
}

export async function createSessionSigner(privateKeyPem: string, options: { ttlSeconds: number; kid: string }) {
  const key = await importPKCS8(privateKeyPem, SESSION_ALG);
  return async (claims: SessionClaims): Promise<{ token: string; expiresAt: Date }> => {
    const exp = Math.floor(Date.now() / 1000) + options.ttlSeconds;
    const token = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: SESSION_ALG, kid: options.kid, typ: 'at+jwt' })
      .setIssuer(SESSION_ISSUER)
      .setAudience(SESSION_AUDIENCE)
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(key);
    return { token, expiresAt: new Date(exp * 1000) };
  };
}

/**
 * Verifies an access token. `keys` maps kid to public key so a signing key can
 * be rotated: publish the new public key first, then switch identity over.
 */
export async function createSessionVerifier(keys: Record<string, string>) {
  const imported = new Map(
    await Promise.all(Object.entries(keys).map(async ([kid, pem]) => [kid, await importSPKI(pem, SESSION_ALG)] as const)),
  );
  return async (token: string): Promise<SessionClaims> => {
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid ? imported.get(header.kid) : undefined;
          if (!key) throw new Error(`unknown kid ${String(header.kid)}`);
          return key;
        },
        { algorithms: [SESSION_ALG], issuer: SESSION_ISSUER, audience: SESSION_AUDIENCE },
      );
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('missing sub or sid');
      return { userId: payload.sub, sessionId: payload.sid };
    } catch (cause) {
      throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired; sign in again.', {}, cause);
    }
  };
}
