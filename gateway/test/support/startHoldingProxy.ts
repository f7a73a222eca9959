import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VIEWER_HEADER, type Viewer } from '@profile-graph/core';

export interface ProxiedCall {
  /** The viewer claim of the signed viewer token the gateway sent (decoded, not verified: the subgraph verifies). */
  viewer: Viewer | undefined;
  body: string;
}

export interface HoldingProxy {
  /** Point a gateway's SUBGRAPH_<NAME>_URL here. */
  url: string;
  /** Every request that reached the proxy, in arrival order. */
  calls: ProxiedCall[];
  close(): Promise<void>;
}

/**
 * A real HTTP hop in front of one subgraph that records each request and
 * holds it `holdMs` before forwarding it, so a burst of client requests has
 * its subgraph calls in flight at the same time: what the gateway's in-flight
 * de-duplication acts on. Counts actual HTTP calls, which the gateway's own
 * metrics (per caller) cannot.
 */
export async function startHoldingProxy(target: string, holdMs: number): Promise<HoldingProxy> {
  const calls: ProxiedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const token = req.headers[VIEWER_HEADER];
      calls.push({ viewer: typeof token === 'string' ? viewerClaim(token) : undefined, body: body.toString('utf8') });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) headers[name] = value;
      }
      setTimeout(() => {
        fetch(target, { method: req.method ?? 'POST', headers, ...(body.length > 0 ? { body } : {}) })
          .then(async (upstream) => {
            const answer = Buffer.from(await upstream.arrayBuffer());
            const kept: Record<string, string> = {};
            upstream.headers.forEach((value, name) => {
              if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) kept[name] = value;
            });
            res.writeHead(upstream.status, kept).end(answer);
          })
          .catch((error: unknown) => res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error)));
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function viewerClaim(token: string): Viewer | undefined {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { viewer?: Viewer }).viewer;
  } catch {
    return undefined;
  }
}
