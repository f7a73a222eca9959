import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/**
 * Where a request came from, as the gateway forwards it: recorded with each
 * consent decision (Fides and the Kantara receipt record the collection
 * context). The IP is truncated before it is kept anywhere: an IPv4 /24, an
 * IPv6 /48 are enough to tell a region, not a person.
 */
export interface RequestOrigin {
  clientId: string | null;
  ipTruncated: string | null;
  userAgent: string | null;
}

/** Headers the gateway forwards: client id, the original client address, the original user agent. */
export const ORIGIN_HEADERS = { clientId: ['x-client-id', 'apollographql-client-name'], ip: ['x-forwarded-for', 'x-real-ip'], userAgent: ['x-client-user-agent', 'user-agent'] } as const;

const MAX_LENGTH = 256;

function first(headers: IncomingHttpHeaders, names: readonly string[]): string | null {
  for (const name of names) {
    const raw = headers[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value) return value.slice(0, MAX_LENGTH);
  }
  return null;
}

export function truncateIp(ip: string): string | null {
  let address = ip.trim();
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  const kind = isIP(address);
  if (kind === 4) return `${address.split('.').slice(0, 3).join('.')}.0`;
  if (kind === 6) {
    const [head = '', tail] = address.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
    return `${groups.slice(0, 3).join(':')}::`;
  }
  return null;
}

export function readRequestOrigin(headers: IncomingHttpHeaders): RequestOrigin {
  const forwarded = first(headers, ORIGIN_HEADERS.ip)?.split(',')[0] ?? null;
  return {
    clientId: first(headers, ORIGIN_HEADERS.clientId),
    ipTruncated: forwarded ? truncateIp(forwarded) : null,
    userAgent: first(headers, ORIGIN_HEADERS.userAgent),
  };
}
