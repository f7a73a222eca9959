import { isIP } from 'node:net';
import type { Viewer } from '@profile-graph/core';

/**
 * Where a request came from, as the gateway saw it: recorded with each
 * consent decision (Fides and the Kantara receipt record the collection
 * context). The IP is truncated before it is kept anywhere: an IPv4 /24, an
 * IPv6 /48 are enough to tell a region, not a person.
 */
export interface RequestOrigin {
  clientId: string | null;
  ipTruncated: string | null;
  userAgent: string | null;
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

/**
 * The origin of a request, from the gateway-signed viewer: the gateway puts
 * the client address, client id and user agent there, so a caller cannot
 * forge them by talking to a subgraph directly.
 */
export function readRequestOrigin(viewer: Pick<Viewer, 'clientIp' | 'clientId' | 'userAgent'>): RequestOrigin {
  return {
    clientId: viewer.clientId ?? null,
    ipTruncated: viewer.clientIp ? truncateIp(viewer.clientIp) : null,
    userAgent: viewer.userAgent ?? null,
  };
}
