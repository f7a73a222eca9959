import type { ExecutionResult } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What a subscriber received: every frame, how it ended, and a way to wait for the next one. */
export interface Feed {
  frames: ExecutionResult[];
  /** Resolves with the next frame not yet taken (frames are taken in order). */
  next(timeoutMs?: number): Promise<ExecutionResult>;
  /** Settles when the subscription completes (`error` set when the transport failed instead). */
  ended: Promise<{ error?: unknown; at: number }>;
  close(): void;
}

export type Transport = 'sse' | 'ws';

type Sink = { next(value: ExecutionResult): void; error(error: unknown): void; complete(): void };
type Subscribe = (payload: { query: string; variables?: Record<string, unknown> }, sink: Sink) => () => void;

function feed(subscribe: Subscribe, query: string, variables: Record<string, unknown> = {}): Feed {
  const frames: ExecutionResult[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  let settle!: (value: { error?: unknown; at: number }) => void;
  const ended = new Promise<{ error?: unknown; at: number }>((resolve) => (settle = resolve));
  let isEnded = false;
  const wake = () => waiters.splice(0).forEach((resolve) => resolve());
  const unsubscribe = subscribe(
    { query, variables },
    {
      next: (value) => {
        frames.push(value);
        wake();
      },
      error: (error) => {
        isEnded = true;
        settle({ error, at: Date.now() });
        wake();
      },
      complete: () => {
        isEnded = true;
        settle({ at: Date.now() });
        wake();
      },
    },
  );
  return {
    frames,
    ended,
    close: unsubscribe,
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (taken >= frames.length) {
        if (isEnded) throw new Error(`the subscription ended after ${frames.length} frames: ${JSON.stringify(frames)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms (got ${frames.length}: ${JSON.stringify(frames)})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return frames[taken++]!;
    },
  };
}

/** A real graphql-sse client (distinct connections mode), credentials in headers as for queries. */
export function sseClient(gatewayUrl: string, headers: Record<string, string> = {}) {
  const client = createSseClient({ url: gatewayUrl, headers, singleConnection: false, retryAttempts: 0 });
  return {
    subscribe: (query: string, variables?: Record<string, unknown>) => feed((payload, sink) => client.subscribe(payload, sink as never), query, variables),
    dispose: () => client.dispose(),
  };
}

/** A real graphql-ws client (graphql-transport-ws), credentials in connectionParams. */
export function wsClient(gatewayUrl: string, connectionParams: Record<string, string> = {}) {
  const closes: { code: number; reason: string }[] = [];
  const client: WsClient = createWsClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => closes.push({ code: (event as { code: number }).code, reason: String((event as { reason?: unknown }).reason ?? '') }) },
  });
  return {
    subscribe: (query: string, variables?: Record<string, unknown>) => feed((payload, sink) => client.subscribe(payload, sink as never), query, variables),
    closes,
    dispose: () => client.dispose(),
  };
}

export function liveClient(transport: Transport, gatewayUrl: string, token?: string) {
  const credentials: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return transport === 'sse' ? sseClient(gatewayUrl, credentials) : wsClient(gatewayUrl, credentials);
}

/** The gateway's subscriptions_open gauge: how many subscriptions it holds right now. */
export async function openSubscriptions(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  return Number(/^subscriptions_open\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/**
 * Waits until the gateway holds exactly `count` subscriptions. A subscription's
 * listeners are in place once it is counted, so a test may then cause its events.
 * Exactly, not "at least": a subscription of an earlier test that the gateway has
 * not yet let go would otherwise pass for the one just opened.
 */
export async function subscriptionsOpen(gatewayUrl: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = await openSubscriptions(gatewayUrl);
  while (seen !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} open subscriptions, the gateway holds ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await openSubscriptions(gatewayUrl);
  }
}

/** Closes every client and waits until the gateway has let go of their subscriptions, so the next test starts from none. */
export async function disposeAll(clients: { dispose(): void }[], gatewayUrl: string): Promise<void> {
  for (const made of clients.splice(0)) made.dispose();
  await subscriptionsOpen(gatewayUrl, 0);
}
