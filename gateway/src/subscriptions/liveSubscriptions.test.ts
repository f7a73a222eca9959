import { parse, type ExecutionResult } from 'graphql';
import type { Logger, Viewer } from '@profile-graph/core';
import type { LiveEvent, LiveEvents } from './liveEvents';
import { LiveSubscriptions, type RunQuery } from './liveSubscriptions';

/** A stand-in for the NATS-fed router: the same listen contract, events emitted by the test. */
function fakeEvents() {
  const listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  const events = {
    isConnected: true,
    listen(topic: string, listener: (event: LiveEvent) => void) {
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set.add(listener));
      return () => set.delete(listener);
    },
  };
  const emit = (event: LiveEvent) => [...(listeners.get(event.topic) ?? [])].forEach((listener) => listener(event));
  return { events: events as unknown as LiveEvents, emit };
}

const ada: Viewer = { kind: 'user', userId: 'u-ada', scopes: [] } as Viewer;
const silent = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

/** A first read the test lets go of: what the subscription does while it is still in flight. */
function gatedRunQuery(answers: ((query: string) => ExecutionResult)[]) {
  let release!: () => void;
  const firstHeld = new Promise<void>((resolve) => (release = resolve));
  const queries: string[] = [];
  const runQuery: RunQuery = async (_credentials, query) => {
    queries.push(query);
    if (queries.length === 1) await firstHeld;
    const answer = answers[Math.min(queries.length, answers.length) - 1]!;
    return { status: 200, body: answer(query) };
  };
  return { runQuery, release, queries };
}

function subscriptions(events: LiveEvents, runQuery: RunQuery) {
  return new LiveSubscriptions({
    events: Promise.resolve(events),
    runQuery,
    authenticate: async () => ada,
    requirements: () => ({ fields: new Map(), types: new Map() }) as never,
    maxPerViewer: 10,
    logger: silent,
  });
}

async function subscribe(live: LiveSubscriptions, query: string, variableValues: Record<string, unknown> = {}) {
  const result = await live.subscribe({
    schema: undefined as never,
    document: parse(query),
    variableValues,
    contextValue: { viewer: ada, request: new Request('http://gateway/graphql', { headers: { authorization: 'Bearer a.b.c' } }) },
  });
  if (!(Symbol.asyncIterator in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
  return result as AsyncIterableIterator<ExecutionResult>;
}

/** The next frame, or "none" when nothing comes within a generous bound (the fakes answer at once). */
function nextWithin(stream: AsyncIterableIterator<ExecutionResult>, ms = 500): Promise<ExecutionResult | 'none'> {
  return Promise.race([stream.next().then((step) => (step.done ? 'none' : step.value)), new Promise<'none'>((resolve) => setTimeout(() => resolve('none'), ms))]);
}

const call = (status: string) => () => ({ data: { callUpdated: { _liveId: 'c-1', _liveStatus: status, status } } });

describe('LiveSubscriptions', () => {
  it('delivers a call event heard while the first read is still running (callUpdated)', async () => {
    const { events, emit } = fakeEvents();
    const { runQuery, release } = gatedRunQuery([call('RINGING'), call('ACTIVE')]);
    const stream = await subscribe(subscriptions(events, runQuery), 'subscription { callUpdated(callId: "c-1") { status } }');
    // The callee accepts before the subscriber's first read has come back.
    emit({ topic: 'call:c-1', callId: 'c-1', ended: false });
    release();
    expect(await nextWithin(stream)).toEqual({ data: { callUpdated: { status: 'ACTIVE' } } });
    await stream.return?.();
  });

  it('sends no frame for an event that shows nothing new, such as the call start relayed after the subscription opened', async () => {
    const { events, emit } = fakeEvents();
    const { runQuery, release } = gatedRunQuery([call('RINGING'), call('RINGING'), call('ACTIVE')]);
    const stream = await subscribe(subscriptions(events, runQuery), 'subscription { callUpdated(callId: "c-1") { status } }');
    emit({ topic: 'call:c-1', callId: 'c-1', ended: false });
    release();
    // The late "started" event read RINGING, as the first read did: nothing to tell. The accept is.
    await new Promise((resolve) => setTimeout(resolve, 20));
    emit({ topic: 'call:c-1', callId: 'c-1', ended: false });
    expect(await nextWithin(stream)).toEqual({ data: { callUpdated: { status: 'ACTIVE' } } });
    await stream.return?.();
  });

  it('drains a signal sent while the first drain is still running (callSignal)', async () => {
    const { events, emit } = fakeEvents();
    const page = (signals: string[]) => () => ({ data: { callSignal: { signals: signals.map((kind) => ({ kind })), endCursor: String(signals.length) } } });
    const { runQuery, release, queries } = gatedRunQuery([page([]), page(['OFFER'])]);
    const stream = await subscribe(subscriptions(events, runQuery), 'subscription { callSignal(callId: "c-1") { kind } }');
    emit({ topic: 'signal:c-1', callId: 'c-1' });
    release();
    expect(await nextWithin(stream)).toEqual({ data: { callSignal: { kind: 'OFFER' } } });
    expect(queries).toHaveLength(2);
    await stream.return?.();
  });

  it('reads progress recorded while the first read is still running (privacyRequestUpdated)', async () => {
    const { events, emit } = fakeEvents();
    const request = (status: string) => () => ({ data: { privacyRequestUpdated: { _liveStatus: status, _liveProgress: [], status } } });
    const { runQuery, release } = gatedRunQuery([request('IN_PROGRESS'), request('COMPLETED')]);
    const stream = await subscribe(subscriptions(events, runQuery), 'subscription { privacyRequestUpdated(id: "r-1") { status } }');
    emit({ topic: 'privacy:r-1', requestId: 'r-1' });
    release();
    expect(await nextWithin(stream)).toEqual({ data: { privacyRequestUpdated: { status: 'IN_PROGRESS' } } });
    expect(await nextWithin(stream)).toEqual({ data: { privacyRequestUpdated: { status: 'COMPLETED' } } });
  });

  it('ends with the refusal, and stops listening, when the first read shows the call is not the subscriber’s', async () => {
    const { events, emit } = fakeEvents();
    const refused = () => ({ data: { callUpdated: null }, errors: [{ message: 'No call has this id.', path: ['callUpdated'], extensions: { code: 'NOT_FOUND' } }] }) as never;
    const { runQuery, release, queries } = gatedRunQuery([refused, call('ACTIVE')]);
    const live = subscriptions(events, runQuery);
    const stream = await subscribe(live, 'subscription { callUpdated(callId: "c-1") { status } }');
    emit({ topic: 'call:c-1', callId: 'c-1', ended: false });
    release();
    const frame = await nextWithin(stream);
    expect(frame).not.toBe('none');
    expect((frame as ExecutionResult).data ?? null).toBeNull();
    expect((frame as ExecutionResult).errors?.map((error) => error.extensions?.['code'])).toEqual(['NOT_FOUND']);
    expect((await stream.next()).done).toBe(true);
    // The event heard during the refused read ran no query of its own.
    emit({ topic: 'call:c-1', callId: 'c-1', ended: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queries).toHaveLength(1);
    expect(live.size).toBe(0);
  });
});
