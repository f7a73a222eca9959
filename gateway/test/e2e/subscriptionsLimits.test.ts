import { eventually } from '@profile-graph/kit/testing';
import WebSocket from 'ws';
import { startGraph, type TestGraph } from '../support/startGraph';
import { openSubscriptions, sseClient, wsClient } from '../support/liveClients';

const INCOMING = 'subscription { incomingCall { id } }';

/** A raw graphql-transport-ws handshake, to see what the gateway itself sends (close codes, pings). */
function rawSocket(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
  const events: string[] = [];
  socket.on('ping', () => events.push('ping'));
  socket.on('message', (data) => events.push(String(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const failed = new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
  socket.on('error', () => undefined);
  return { socket, events, closed, failed };
}

// Limits of the other requests apply to subscriptions too: per viewer, per
// connection, per document, per origin; and idle connections are kept alive.
describe('subscription limits', () => {
  let graph: TestGraph;
  let limited: { url: string; close(): Promise<void> };
  let user: { id: string; token: string };
  const clients: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(made: T) => (clients.push(made), made);

  beforeAll(async () => {
    graph = await startGraph();
    limited = await graph.startGateway({ SUBSCRIPTIONS_PER_VIEWER: '3', WEBSOCKETS_PER_VIEWER: '2', MAX_DEPTH: '3', CORS_ORIGINS: 'https://app.example.com', SUBSCRIPTION_KEEPALIVE_MS: '200' });
    user = await graph.signUp('limited_live', 'Limited');
  });
  afterEach(() => {
    for (const made of clients.splice(0)) made.dispose();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('refuses a viewer more open subscriptions than allowed, over SSE and WebSocket together, until one closes', async () => {
    const sse = keep(sseClient(limited.url, { authorization: `Bearer ${user.token}` }));
    const ws = keep(wsClient(limited.url, { authorization: `Bearer ${user.token}` }));
    const open = [sse.subscribe(INCOMING), ws.subscribe(INCOMING), sse.subscribe(INCOMING)];
    await eventually(async () => expect(await openSubscriptions(limited.url)).toBe(3));
    for (const extra of [ws.subscribe(INCOMING), sse.subscribe(INCOMING)]) {
      await extra.ended;
      expect(extra.frames.map((frame) => frame.errors?.[0]?.extensions?.['code'])).toEqual(['RATE_LIMITED']);
    }
    open[0]!.close();
    await eventually(async () => expect(await openSubscriptions(limited.url)).toBe(2));
    const again = ws.subscribe(INCOMING);
    await eventually(async () => expect(await openSubscriptions(limited.url)).toBe(3));
    expect(again.frames).toEqual([]);
  });

  it('closes a WebSocket beyond the per-viewer connection limit with 4429, and a bad credential with 4401', async () => {
    const init = JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.token}` } });
    const sockets: ReturnType<typeof rawSocket>[] = [];
    for (let i = 0; i < 3; i++) {
      const raw = rawSocket(limited.url);
      sockets.push(raw);
      await new Promise((resolve) => raw.socket.once('open', resolve));
      raw.socket.send(init);
      await eventually(() => expect(raw.events.length > 0 || raw.socket.readyState !== WebSocket.OPEN).toBe(true));
    }
    await eventually(() => expect(sockets.slice(0, 2).every(({ events }) => events.includes('{"type":"connection_ack"}'))).toBe(true));
    expect((await sockets[2]!.closed).code).toBe(4429);
    for (const { socket } of sockets.slice(0, 2)) socket.close();

    const forged = rawSocket(limited.url);
    await new Promise((resolve) => forged.socket.once('open', resolve));
    forged.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer not-a-token' } }));
    expect((await forged.closed).code).toBe(4401);
  });

  it('applies the operation limits to subscription documents', async () => {
    const deep = 'subscription { incomingCall { caller { callHistory { edges { node { id } } } } } }';
    const viaWs = keep(wsClient(limited.url, { authorization: `Bearer ${user.token}` })).subscribe(deep);
    const ended = await viaWs.ended;
    const wsErrors = (ended.error as { message?: string; extensions?: { code?: string } }[] | undefined) ?? viaWs.frames[0]?.errors;
    expect(JSON.stringify(wsErrors)).toContain('OPERATION_LIMIT_EXCEEDED');

    const viaSse = await fetch(limited.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: deep }),
    });
    const body = await viaSse.text();
    expect(body).toContain('OPERATION_LIMIT_EXCEEDED');
    expect(await openSubscriptions(limited.url)).toBe(0);
  });

  it('lets only the listed origins (or the same origin) open a WebSocket, and keeps idle sockets alive with pings', async () => {
    const foreign = rawSocket(limited.url, { origin: 'https://evil.example.com' });
    expect(await foreign.failed).toBe(403);
    const listed = rawSocket(limited.url, { origin: 'https://app.example.com' });
    await new Promise((resolve) => listed.socket.once('open', resolve));
    listed.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.token}` } }));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(listed.events.filter((event) => event === 'ping').length).toBeGreaterThanOrEqual(2);
    listed.socket.close();
  });

  it('keeps an idle SSE stream alive with comment lines, and refuses an EventSource-style GET without a CSRF header', async () => {
    const query = encodeURIComponent(INCOMING);
    const simple = await fetch(`${limited.url}?query=${query}`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${user.token}` } });
    expect(simple.status).toBe(403);
    await simple.text();

    const controller = new AbortController();
    const stream = await fetch(limited.url, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: INCOMING }),
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let text = '';
    const until = Date.now() + 1_000;
    while (Date.now() < until && (text.match(/^:$/gm) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
    expect((text.match(/^:$/gm) ?? []).length).toBeGreaterThanOrEqual(2);
    controller.abort();
  });
});
