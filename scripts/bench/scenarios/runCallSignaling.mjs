// S9: call set-up latency, from the caller sending `startCall` to the callee's
// `incomingCall` frame over graphql-ws, while the profile screen (S1) loads the
// gateway. S10: signals relayed between two participants of one call: the
// caller sends `sendCallSignal` back to back, the callee's `callSignal`
// subscription receives them; signals per second, and whether they arrived
// in order and complete.
import { performance } from 'node:perf_hooks';
import { graphqlPost } from '../lib/graphqlPost.mjs';
import { measureLoad } from '../lib/measureLoad.mjs';
import { median, quantile } from '../lib/median.mjs';
import { fromWorkspace } from '../lib/repoRequire.mjs';
import { PROFILE_SCREEN_QUERY, profileScreenProblem } from './profileScreenQuery.mjs';

const gatewayRequire = fromWorkspace('gateway');
const { createClient } = gatewayRequire('graphql-ws');
const WebSocket = gatewayRequire('ws');

const START = 'mutation Start($h: String!) { startCall(calleeHandle: $h, kind: AUDIO) { id } }';
const END = 'mutation End($id: ID!) { endCall(callId: $id) { status } }';
const ACCEPT = 'mutation Accept($id: ID!) { acceptCall(callId: $id) { status } }';
const SIGNAL = 'mutation Signal($id: ID!, $p: CallSignalInput!) { sendCallSignal(callId: $id, payload: $p) { id } }';
/** Callees subscribed at once, each taking CALLS_PER_CALLEE calls from different callers, one after another. */
const WORKERS = 4;
const CALLS_PER_CALLEE = 10;
/** A subscription is registered at the gateway a moment after it is sent; events before that are (at-most-once) not delivered. */
const SUBSCRIBE_SETTLE_MS = 300;
const FRAME_TIMEOUT_MS = 5_000;

const bearer = (token) => ({ authorization: `Bearer ${token}` });

/** One graphql-ws subscription; `next()` resolves with the next frame, in order. */
function subscribe(wsUrl, token, query, variables = {}) {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: bearer(token), retryAttempts: 0, lazy: false });
  const frames = [];
  const waiting = [];
  let failure = null;
  const wake = () => waiting.splice(0).forEach((resolve) => resolve());
  client.subscribe({ query, variables }, {
    next: (frame) => {
      frames.push({ frame, at: performance.now() });
      wake();
    },
    error: (error) => {
      failure = error;
      wake();
    },
    complete: () => wake(),
  });
  let taken = 0;
  return {
    async next(timeoutMs = FRAME_TIMEOUT_MS) {
      const deadline = performance.now() + timeoutMs;
      while (taken >= frames.length) {
        if (failure) throw new Error(`subscription failed: ${failure?.message ?? JSON.stringify(failure)}`);
        const left = deadline - performance.now();
        if (left <= 0) return null;
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, left);
          waiting.push(() => (clearTimeout(timer), resolve()));
        });
      }
      return frames[taken++];
    },
    dispose: () => client.dispose(),
  };
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{ gatewayUrl: string, users: { _id: string, handle: string }[], tokens: Map<string, string>, calls: number, signals: number,
 *   loadConnections: number, log: (line: string) => void }} context
 */
export async function runCallSignaling({ gatewayUrl, users, tokens, calls, signals, loadConnections, log }) {
  const wsUrl = gatewayUrl.replace(/^http/, 'ws');
  const post = (query, variables, userId) => graphqlPost(gatewayUrl, query, variables, bearer(tokens.get(userId)));
  const callees = Math.ceil(calls / CALLS_PER_CALLEE);
  if (users.length < callees + CALLS_PER_CALLEE + 2) throw new Error(`S9 needs at least ${callees + CALLS_PER_CALLEE + 2} users`);
  // Callers are the users after the callees; each callee is called by CALLS_PER_CALLEE different callers.
  const callers = users.slice(callees);

  // S9 under the profile-screen load: autocannon runs for a fixed time while the calls are made.
  const loadTokens = [...tokens.values()];
  let loadDone = false;
  const loadSeconds = Math.max(10, Math.ceil(calls / 20));
  const load = measureLoad({
    url: gatewayUrl,
    body: JSON.stringify({ query: PROFILE_SCREEN_QUERY }),
    tokens: loadTokens,
    connections: loadConnections,
    durationSeconds: loadSeconds,
    check: (body) => profileScreenProblem(JSON.parse(body)),
  }).finally(() => (loadDone = true));

  const latencies = [];
  const afterResponse = [];
  let missed = 0;
  let refused = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= callees || latencies.length + missed + refused >= calls || loadDone) return;
      const callee = users[index];
      const feed = subscribe(wsUrl, tokens.get(callee._id), 'subscription { incomingCall { id status } }');
      try {
        await pause(SUBSCRIBE_SETTLE_MS);
        for (let i = 0; i < CALLS_PER_CALLEE && latencies.length + missed + refused < calls && !loadDone; i++) {
          const caller = callers[(index * CALLS_PER_CALLEE + i) % callers.length];
          const sent = performance.now();
          const started = await post(START, { h: callee.handle }, caller._id);
          const answered = performance.now();
          const callId = started.body?.data?.startCall?.id;
          if (!callId) {
            refused++;
            continue;
          }
          const got = await feed.next();
          if (got && got.frame.data?.incomingCall?.id === callId) {
            latencies.push(got.at - sent);
            afterResponse.push(got.at - answered);
          } else missed++;
          await post(END, { id: callId }, caller._id);
        }
      } finally {
        feed.dispose();
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const background = await load;
  const round = (value) => Math.round(value * 10) / 10;
  const s9 = {
    calls: latencies.length,
    missed,
    refused,
    p50Ms: round(median(latencies)),
    p99Ms: round(quantile(latencies, 0.99)),
    afterResponseP50Ms: round(median(afterResponse)),
    afterResponseP99Ms: round(quantile(afterResponse, 0.99)),
    background: { query: 'S1 profile screen', connections: loadConnections, rps: Math.round(background.rps), p99: background.p99 },
    target: 'p99 < 100 ms',
  };
  s9.met = latencies.length > 0 ? s9.p99Ms < 100 : undefined;
  log(`S9: ${s9.calls} calls (${missed} missed, ${refused} refused): startCall sent -> incomingCall p50 ${s9.p50Ms} ms, p99 ${s9.p99Ms} ms, under ${s9.background.rps} req/s of S1`);

  // S10: one call between two users who took no part in S9, both subscribed to its signals.
  const [alice, bob] = users.slice(-2);
  const call = await post(START, { h: bob.handle }, alice._id);
  const callId = call.body?.data?.startCall?.id;
  if (!callId) return { s9, s10: { status: 'not measured', reason: `startCall failed: ${JSON.stringify(call.body?.errors ?? call.body)}` } };
  await post(ACCEPT, { id: callId }, bob._id);
  const bobSignals = subscribe(wsUrl, tokens.get(bob._id), 'subscription($id: ID!) { callSignal(callId: $id) { candidate } }', { id: callId });
  await pause(SUBSCRIBE_SETTLE_MS);
  const sendStarted = performance.now();
  let sendFailures = 0;
  for (let i = 0; i < signals; i++) {
    const sent = await post(SIGNAL, { id: callId, p: { type: 'ICE_CANDIDATE', candidate: `candidate:${i} 1 udp 2122260223 192.0.2.1 ${50_000 + i} typ host` } }, alice._id);
    if (!sent.body?.data?.sendCallSignal) sendFailures++;
  }
  const sendEnded = performance.now();
  const received = [];
  for (;;) {
    const got = await bobSignals.next(received.length < signals - sendFailures ? FRAME_TIMEOUT_MS : 200);
    if (!got) break;
    received.push(got);
    if (received.length >= signals) break;
  }
  bobSignals.dispose();
  await post(END, { id: callId }, alice._id);
  const order = received.map((got) => Number(/^candidate:(\d+) /.exec(got.frame.data?.callSignal?.candidate ?? '')?.[1]));
  const inOrder = order.every((value, i) => i === 0 || value > order[i - 1]);
  const lastAt = received.at(-1)?.at ?? sendEnded;
  const s10 = {
    status: 'measured',
    sent: signals - sendFailures,
    sendFailures,
    received: received.length,
    inOrder,
    signalsPerSecond: round(received.length / ((lastAt - sendStarted) / 1000)),
    sendRatePerSecond: round((signals - sendFailures) / ((sendEnded - sendStarted) / 1000)),
    lastSignalAfterLastSendMs: round(lastAt - sendEnded),
  };
  log(`S10: ${s10.received}/${s10.sent} signals relayed ${inOrder ? 'in order' : 'OUT OF ORDER'}, ${s10.signalsPerSecond}/s (sending ran at ${s10.sendRatePerSecond}/s)`);
  return { s9: { status: 'measured', ...s9 }, s10 };
}
