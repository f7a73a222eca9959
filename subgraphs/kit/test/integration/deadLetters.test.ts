import { Writable } from 'node:stream';
import { identityEvents, privacyEvents } from '../../src/events/catalog';
import { listDeadLetters } from '../../src/events/deadLetter';
import { UNLIMITED } from '../../src/events/deliveryPolicy';
import { defineConsumer, EventBus } from '../../src/events/eventBus';
import { createEvent } from '../../src/events/eventEnvelope';
import { createLogger } from '@profile-graph/core';
import { ServiceMetrics } from '../../src/observability/serviceMetrics';
import { eventually, startTestEnvironment, type TestEnvironment } from '../../src/testing';

// Over the real nats-server, as hiring's role (the permission table's: its own durable, its own dead letter).
describe('retries with backoff, then the dead letter', () => {
  const BACKOFF_MS = [300, 600, 1_200];
  const MAX_DELIVER = 4;
  let env: TestEnvironment;
  let hiring: EventBus;
  const metrics = new ServiceMetrics('hiring', { processMetrics: false });
  const lines: Record<string, any>[] = [];
  const deliveries = new Map<string, number[]>();
  const handled: { userId: string; handle: string }[] = [];

  beforeAll(async () => {
    env = await startTestEnvironment();
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    hiring = await EventBus.connect({
      url: env.nats.url,
      role: 'hiring',
      nkeySeed: env.nats.credentials.hiring.seed,
      name: 'hiring-test',
      timeoutMs: 5_000,
      logger: createLogger({ name: 'hiring', level: 'info', destination }),
      delivery: { maxDeliver: MAX_DELIVER, backoffMs: BACKOFF_MS },
    });
    hiring.serviceName = 'hiring';
    hiring.metrics = metrics;
    await hiring.consume(
      defineConsumer({
        stream: 'IDENTITY',
        durable: 'hiring-user-created',
        events: [identityEvents.userCreated],
        handler: async (event) => {
          // Typed and parsed: no String(event.data.userId).
          const { userId, handle } = event.data;
          deliveries.set(userId, [...(deliveries.get(userId) ?? []), Date.now()]);
          if (userId.startsWith('failing-')) throw Object.assign(new Error(`cannot store ${userId}`), { name: 'StoreError' });
          handled.push({ userId, handle });
        },
      }),
    );
  });

  afterAll(async () => {
    await hiring?.close();
    await env?.stop();
  });

  const publish = async (event: ReturnType<typeof createEvent>) => (await env.bus('identity')).publish(event);
  const deadLetters = async () => listDeadLetters((await env.bus('admin')).nc, { services: ['hiring'] });
  const deadLettered = async (reason: string, type = 'identity.v1.user.created') =>
    (await metrics.eventsDeadLettered.get()).values.find(
      (v) => v.labels.stream === 'IDENTITY' && v.labels.durable === 'hiring-user-created' && v.labels.type === type && v.labels.reason === reason,
    )?.value ?? 0;

  it('hands a good event to the handler once, parsed', async () => {
    await publish(identityEvents.userCreated.create({ userId: 'good-1', handle: 'ada', displayName: 'Ada' }, 'good-1'));
    await eventually(() => expect(handled).toEqual([{ userId: 'good-1', handle: 'ada' }]));
    expect(deliveries.get('good-1')).toHaveLength(1);
  });

  it('redelivers a failing handler with growing waits, then dead-letters it, counts it and lists it without the payload', async () => {
    await publish(identityEvents.userCreated.create({ userId: 'failing-7', handle: 'secret_handle' }, 'failing-7'));
    await eventually(async () => expect(await deadLettered('handler_failed')).toBe(1), 15_000, 50);
    const times = deliveries.get('failing-7')!;
    expect(times).toHaveLength(MAX_DELIVER);
    // Each wait at least its backoff step (less a little for timer granularity), and the waits grow.
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(BACKOFF_MS[i]! - 50));
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);

    const listed = await eventually(async () => {
      const records = (await deadLetters()).filter((record) => record.reason === 'handler_failed');
      expect(records).toHaveLength(1);
      return records[0]!;
    });
    expect(listed).toMatchObject({ service: 'hiring', durable: 'hiring-user-created', stream: 'IDENTITY', type: 'identity.v1.user.created', deliveries: MAX_DELIVER, error: 'StoreError' });
    // A reference, not a copy: the operator reads the event on IDENTITY by sequence, and the erasure finds nothing here.
    const original = await (await (await env.bus('admin')).nc.jetstreamManager()).streams.getMessage('IDENTITY', { seq: listed.streamSequence });
    expect(original.json<{ data: { userId: string } }>().data.userId).toBe('failing-7');
    expect(JSON.stringify(listed)).not.toMatch(/failing-7|secret_handle/);
    const line = lines.find((l) => l.msg === 'event handler failed on its last delivery: dead-lettered');
    expect(line).toMatchObject({ stream: 'IDENTITY', durable: 'hiring-user-created', seq: listed.streamSequence, type: 'identity.v1.user.created', error: 'StoreError' });
    expect(JSON.stringify(line)).not.toMatch(/failing-7|secret_handle/);

    // Given up: no further delivery, nothing left pending on the durable.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(deliveries.get('failing-7')).toHaveLength(MAX_DELIVER);
    const info = await (await (await env.bus('admin')).nc.jetstreamManager()).consumers.info('IDENTITY', 'hiring-user-created');
    expect({ ackPending: info.num_ack_pending, maxDeliver: info.config.max_deliver }).toEqual({ ackPending: 0, maxDeliver: MAX_DELIVER });
  });

  it('dead-letters a payload that does not fit its schema at once, without running the handler; the events behind it still flow', async () => {
    // Published by identity's role with the loose createEvent: what an older or broken producer could send.
    await publish(createEvent('identity.v1.user.created', { handle: 'no_id_handle', displayName: 'Mallory' }));
    await publish(identityEvents.userCreated.create({ userId: 'good-2', handle: 'bea' }, 'good-2'));
    await eventually(() => expect(handled.map((h) => h.userId)).toContain('good-2'), 10_000);
    await eventually(async () => expect(await deadLettered('invalid_payload')).toBe(1));
    expect(handled.some((h) => h.handle === 'no_id_handle')).toBe(false);
    expect([...deliveries.keys()].some((key) => !['good-1', 'failing-7', 'good-2'].includes(key))).toBe(false);

    const listed = (await deadLetters()).find((record) => record.reason === 'invalid_payload');
    expect(listed).toMatchObject({ durable: 'hiring-user-created', stream: 'IDENTITY', type: 'identity.v1.user.created', deliveries: 1, issues: ['userId'] });
    const line = lines.find((l) => l.msg === 'event does not fit its catalog schema: dead-lettered without running the handler');
    expect(line).toMatchObject({ stream: 'IDENTITY', seq: listed!.streamSequence, type: 'identity.v1.user.created', issues: ['userId'] });
    expect(JSON.stringify(line)).not.toMatch(/no_id_handle|Mallory/);
  });

  it('dead-letters a message that is not an envelope at all, by reference', async () => {
    const before = (await deadLetters()).length;
    await (await env.bus('identity')).publishRaw('identity.v1.user.created', { hello: 'not an envelope' }, 'not-an-envelope-1');
    await eventually(async () => expect(await deadLettered('malformed_envelope', 'unknown')).toBe(1));
    const records = await eventually(async () => {
      const all = await deadLetters();
      expect(all.length).toBe(before + 1);
      return all;
    });
    expect(records.at(-1)).toMatchObject({ durable: 'hiring-user-created', stream: 'IDENTITY', reason: 'malformed_envelope', type: 'unknown' });
  });

  it('never gives up an erasure step (maxDeliver unlimited): it fails past the limit, then completes, and nothing is dead-lettered', async () => {
    let attempts = 0;
    const done: string[] = [];
    await hiring.consume(
      defineConsumer({
        stream: 'PRIVACY',
        durable: 'hiring-privacy-erasure',
        events: [privacyEvents.erasureRequested],
        maxDeliver: UNLIMITED,
        handler: async (event) => {
          attempts += 1;
          if (attempts <= MAX_DELIVER + 1) throw new Error('database away');
          done.push(event.data.requestId);
        },
      }),
    );
    const before = (await deadLetters()).length;
    await (await env.bus('consent')).publish(privacyEvents.erasureRequested.create({ requestId: 'erase-1', userId: 'u-erased' }));
    await eventually(() => expect(done).toEqual(['erase-1']), 20_000, 50);
    expect(attempts).toBe(MAX_DELIVER + 2);
    expect(await deadLetters()).toHaveLength(before);
    const info = await (await (await env.bus('admin')).nc.jetstreamManager()).consumers.info('PRIVACY', 'hiring-privacy-erasure');
    expect(info.config.max_deliver).toBe(-1);
  });

  it("lets a service write its own dead letter only: hiring cannot write identity's", async () => {
    await expect(hiring.publishRaw('deadletter.identity.identity-revocations', { forged: true }, 'forged-1')).rejects.toThrow();
  });
});
