/**
 * The client app and user agent as the client states them, cut to a sane
 * length. They are claims, not credentials: recorded as the origin of consent
 * decisions (GDPR accountability), never used to decide access.
 */
export function clientOrigin(headers: Headers): { clientId?: string; userAgent?: string } {
  const clientId = (headers.get('x-client-id') ?? headers.get('apollographql-client-name'))?.trim().slice(0, 128);
  const userAgent = headers.get('user-agent')?.trim().slice(0, 256);
  return { ...(clientId ? { clientId } : {}), ...(userAgent ? { userAgent } : {}) };
}
