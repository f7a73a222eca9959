import { importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { AppError } from '../errors/appError';
import { VIEWER_ALG, VIEWER_ISSUER, viewerAudience, viewerSchema, type Viewer } from './viewer';

export type ViewerVerifier = (token: string | undefined) => Promise<Viewer>;

/**
 * Verifies the gateway-signed viewer. Anything short of a valid signature,
 * issuer, audience and lifetime is UNAUTHENTICATED: calling a subgraph
 * directly must never let anyone act as someone else.
 */
export async function createViewerVerifier(publicKeyPem: string, subgraphName: string): Promise<ViewerVerifier> {
  const key: CryptoKey = await importSPKI(publicKeyPem, VIEWER_ALG);
  const audience = viewerAudience(subgraphName);
  return async (token) => {
    if (!token) throw new AppError('UNAUTHENTICATED', 'Missing viewer token: subgraphs accept requests only through the gateway.');
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: [VIEWER_ALG], issuer: VIEWER_ISSUER, audience });
      return viewerSchema.parse(payload.viewer);
    } catch (cause) {
      throw new AppError('UNAUTHENTICATED', 'Invalid or expired viewer token: subgraphs accept requests only through the gateway.', {}, cause);
    }
  };
}
