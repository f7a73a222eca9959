import type { IncomingMessage } from 'node:http';

const normalise = (address: string): string => {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
};

/**
 * The client's address. With no trusted proxy it is the socket's peer, and
 * any X-Forwarded-For is the client's own claim, ignored. With N trusted
 * proxies, each appends the address it received from, so the client is the
 * N-th entry from the right; entries further left are again the client's claim.
 */
export function clientIp(req: IncomingMessage | undefined, forwardedFor: string | null, trustedHops: number): string | undefined {
  const socket = req?.socket?.remoteAddress;
  if (trustedHops <= 0 || !forwardedFor) return socket ? normalise(socket) : undefined;
  const hops = forwardedFor.split(',').map((entry) => entry.trim()).filter(Boolean);
  const chosen = hops[Math.max(0, hops.length - trustedHops)];
  return chosen ? normalise(chosen).slice(0, 64) : socket ? normalise(socket) : undefined;
}
