import { z } from 'zod';

/**
 * Who is asking, as the gateway established it. Subgraphs only ever see a
 * Viewer the gateway signed; they never read identity from client headers.
 */
export const viewerSchema = z.object({
  kind: z.enum(['anonymous', 'user', 'partner', 'service']),
  userId: z.string().optional(),
  orgId: z.string().optional(),
  keyId: z.string().optional(),
  scopes: z.array(z.string()).default([]),
  /** The client's address as the gateway saw it: for abuse controls (sign-in throttling), never stored whole. */
  clientIp: z.string().max(64).optional(),
  /** The client app and user agent as the client claimed them; recorded with consent decisions (their origin). */
  clientId: z.string().max(128).optional(),
  userAgent: z.string().max(256).optional(),
});

export type Viewer = z.infer<typeof viewerSchema>;

export const anonymousViewer: Viewer = Object.freeze({ kind: 'anonymous', scopes: [] }) as Viewer;

/** Header that carries the signed viewer from the gateway to a subgraph. */
export const VIEWER_HEADER = 'x-viewer-token';

/** Audience of a viewer token for one subgraph: a token minted for one cannot be replayed to another. */
export const viewerAudience = (subgraphName: string) => `profile-graph:subgraph:${subgraphName}`;

export const VIEWER_ISSUER = 'profile-graph:gateway';
export const VIEWER_ALG = 'EdDSA';
