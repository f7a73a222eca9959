import { SignJWT, importPKCS8, type CryptoKey } from 'jose';
import { VIEWER_ALG, VIEWER_ISSUER, viewerAudience, type Viewer } from './viewer';

export type ViewerSigner = (viewer: Viewer, subgraphName: string) => Promise<string>;

/**
 * Signs viewers for subgraph calls. Tokens live seconds, not minutes: they
 * only have to survive one hop, and a short life bounds replay.
 */
export async function createViewerSigner(privateKeyPem: string, options: { ttlSeconds?: number; kid?: string } = {}): Promise<ViewerSigner> {
  const key: CryptoKey = await importPKCS8(privateKeyPem, VIEWER_ALG);
  const ttl = options.ttlSeconds ?? 30;
  return async (viewer, subgraphName) =>
    new SignJWT({ viewer })
      .setProtectedHeader({ alg: VIEWER_ALG, ...(options.kid ? { kid: options.kid } : {}) })
      .setIssuer(VIEWER_ISSUER)
      .setAudience(viewerAudience(subgraphName))
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
      .sign(key);
}
