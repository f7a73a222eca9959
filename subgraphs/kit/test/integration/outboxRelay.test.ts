import { Schema, type Model } from 'mongoose';
import { connectDatabase } from '../../src/db/connectDatabase';
import { storageOf } from '../../src/db/storage';
import { EventBus } from '../../src/events/eventBus';
import { createEvent, type EventEnvelope } from '../../src/events/eventEnvelope';
import { OutboxRelay, outboxOnCreate, outboxOnUpdate, outboxSchemaFields } from '../../src/events/outbox';
import { createLogger } from '@profile-graph/core';
import { eventually, startTestEnvironment, type TestEnvironment } from '../../src/testing';

describe('outbox relay over real NATS JetStream and a MongoDB-wire server', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  let env: TestEnvironment;
  let bus: EventBus;
  let db: Awaited<ReturnType<typeof connectDatabase>>;
  const received: EventEnvelope[] = [];

  beforeAll(async () => {
    env = await startTestEnvironment();
    db = await connectDatabase(env.mongoUri, `${env.databasePrefix}_kit`);
    bus = await env.connectBus('admin');
    await bus.ensureStreams(['IDENTITY']);
    await bus.consume({
      stream: 'IDENTITY',
      durable: 'kit-test',
      handler: async (event) => {
        received.push(event);
      },
    });
  });

  afterAll(async () => {
    await bus?.close();
    await db?.close();
    await env?.stop();
  });

  interface ThingDoc {
    _id: string;
    name: string;
  }
  let thingModel: Model<ThingDoc>;
  const Thing = () => (thingModel ??= db.model<ThingDoc>('Thing', new Schema<ThingDoc>({ _id: String, name: String, ...outboxSchemaFields }, { versionKey: false })));

  it('publishes an event written with its change only after the write, even when no relay ran at write time', async () => {
    const event = createEvent('identity.v1.user.created', { userId: 'u1' }, 'u1');
    // The write happens with no relay running, as if the process died right after it.
    await Thing().create({ _id: 'u1', name: 'one', ...outboxOnCreate([event]) });
    const stored = await Thing().findById('u1').select('+_outbox').lean<{ _outbox: EventEnvelope[] }>();
    expect(stored?._outbox.map((e: EventEnvelope) => e.id)).toEqual([event.id]);

    // A relay started later (the restarted process) delivers it, once.
    const relay = new OutboxRelay(bus, logger, { intervalMs: 50 }).watch(Thing());
    relay.start();
    await eventually(() => expect(received.map((e) => e.id)).toContain(event.id));
    await relay.flush();
    await relay.stop();
    const after = await Thing().findById('u1').select('+_outbox').lean<{ _outbox: EventEnvelope[] }>();
    expect(after?._outbox).toEqual([]);
    expect(received.filter((e) => e.id === event.id)).toHaveLength(1);
  });

  it('lets JetStream drop a republished event id, so a relay that publishes twice delivers once', async () => {
    const event = createEvent('identity.v1.user.updated', { userId: 'u2' }, 'u2');
    await bus.publish(event);
    await bus.publish(event);
    const marker = createEvent('identity.v1.user.updated', { userId: 'marker' }, 'marker');
    await bus.publish(marker);
    await eventually(() => expect(received.map((e) => e.id)).toContain(marker.id));
    expect(received.filter((e) => e.id === event.id)).toHaveLength(1);
  });

  it('publishes every event queued by successive writes to one document', async () => {
    const first = createEvent('identity.v1.user.updated', { n: 1 }, 'u3');
    const second = createEvent('identity.v1.user.updated', { n: 2 }, 'u3');
    await Thing().create({ _id: 'u3', name: 'three', ...outboxOnCreate([first]) });
    await Thing().updateOne({ _id: 'u3' }, outboxOnUpdate([second], { $set: { name: 'three again' } }));
    const relay = new OutboxRelay(bus, logger, { intervalMs: 50 }).watch(Thing());
    relay.start();
    await eventually(() => expect(received.map((e) => e.id)).toEqual(expect.arrayContaining([first.id, second.id])));
    await relay.stop();
  });

  it('loses no concurrent change to a document while the relay clears its outbox (FerretDB updates are read-then-write)', async () => {
    interface CounterDoc {
      _id: string;
      count: number;
    }
    const relay = new OutboxRelay(bus, logger, { intervalMs: 5, serializeWrites: !storageOf(db).atomicUpdates });
    const counters = relay.track(db.model<CounterDoc>('Counter', new Schema<CounterDoc>({ _id: String, count: Number, ...outboxSchemaFields }, { versionKey: false })));
    await counters.create({ _id: 'c1', count: 0 });
    relay.start();
    const events = Array.from({ length: 60 }, (_, n) => createEvent('identity.v1.user.updated', { n }, 'c1'));
    await Promise.all(
      events.map(async (event) => {
        await counters.updateOne({ _id: 'c1' }, outboxOnUpdate([event], { $inc: { count: 1 } }));
        relay.kick();
      }),
    );
    await relay.flush();
    await relay.stop();
    expect((await counters.findById('c1').lean())?.count).toBe(60);
    await eventually(() => expect(received.map((e) => e.id)).toEqual(expect.arrayContaining(events.map((e) => e.id))));
  });

  it('keeps chained queries working on a tracked model (lean, exec)', async () => {
    interface NoteDoc {
      _id: string;
      text: string;
    }
    const relay = new OutboxRelay(bus, logger, { intervalMs: 1_000, serializeWrites: true });
    const notes = relay.track(db.model<NoteDoc>('Note', new Schema<NoteDoc>({ _id: String, text: String, ...outboxSchemaFields }, { versionKey: false })));
    await notes.create({ _id: 'n1', text: 'one' });
    const updated = await notes.findOneAndUpdate({ _id: 'n1' }, { $set: { text: 'two' } }, { returnDocument: 'after' }).lean().exec();
    expect(updated?.text).toBe('two');
    const result = await notes.updateOne({ _id: 'n1' }, { $set: { text: 'three' } }).exec();
    expect(result.modifiedCount).toBe(1);
  });

  it('relays events written through a tracked model by _id at once, with no poll and no kick', async () => {
    interface BadgeDoc {
      _id: string;
      level: number;
    }
    const relay = new OutboxRelay(bus, logger, { intervalMs: 3_600_000, serializeWrites: !storageOf(db).atomicUpdates });
    const badges = relay.track(db.model<BadgeDoc>('Badge', new Schema<BadgeDoc>({ _id: String, level: Number, ...outboxSchemaFields }, { versionKey: false })));
    const created = createEvent('identity.v1.user.updated', { badge: 'created' }, 'b1');
    const raised = createEvent('identity.v1.user.updated', { badge: 'raised' }, 'b1');
    await badges.create({ _id: 'b1', level: 1, ...outboxOnCreate([created]) });
    await eventually(() => expect(received.map((e) => e.id)).toContain(created.id), 2_000);
    await badges.updateOne({ _id: 'b1' }, outboxOnUpdate([raised], { $set: { level: 2 } }));
    await eventually(() => expect(received.map((e) => e.id)).toContain(raised.id), 2_000);
    await eventually(async () => expect((await badges.findById('b1').lean<{ _outbox: unknown[] }>())?._outbox).toEqual([]), 2_000);
  });
  it('whenRelayed resolves once the written events are on the stream, also when the relay finished first', async () => {
    interface FlagDoc {
      _id: string;
      on: boolean;
    }
    const relay = new OutboxRelay(bus, logger, { intervalMs: 3_600_000, serializeWrites: !storageOf(db).atomicUpdates });
    const flags = relay.track(db.model<FlagDoc>('Flag', new Schema<FlagDoc>({ _id: String, on: Boolean, ...outboxSchemaFields }, { versionKey: false })));
    const nc = await env.connectNats('admin');
    const lastOnStream = async (subject: string) => {
      const message = await (await nc.jetstreamManager()).streams.getMessage('IDENTITY', { last_by_subj: subject });
      return (message.json() as EventEnvelope).id;
    };
    try {
      const first = createEvent('identity.v1.user.updated', { flag: 'first' }, 'f1');
      await flags.create({ _id: 'f1', on: true, ...outboxOnCreate([first]) });
      expect(await relay.whenRelayed(flags, 'f1', 2_000)).toBe(true);
      expect(await lastOnStream(first.type)).toBe(first.id);

      const second = createEvent('identity.v1.user.updated', { flag: 'second' }, 'f1');
      await flags.updateOne({ _id: 'f1' }, outboxOnUpdate([second], { $set: { on: false } }));
      await eventually(() => expect(received.map((e) => e.id)).toContain(second.id), 2_000);
      // Asked after the relay is done: nothing left to publish, so it answers at once.
      expect(await relay.whenRelayed(flags, 'f1', 2_000)).toBe(true);

      // A model the relay does not track can never be waited for.
      expect(await relay.whenRelayed(db.model<FlagDoc>('Untracked', new Schema<FlagDoc>({ _id: String, on: Boolean })), 'x', 50)).toBe(false);
    } finally {
      await nc.close();
    }
  });
  it('polls by the _outboxPending marker once a first pass by _outbox itself is done', async () => {
    interface LegacyDoc {
      _id: string;
    }
    const Legacy = db.model<LegacyDoc>('Legacy', new Schema<LegacyDoc>({ _id: String, ...outboxSchemaFields }, { versionKey: false }));
    // Queued before the marker existed: an outbox, no marker. The first pass must still find it.
    const old = createEvent('identity.v1.user.updated', { legacy: true }, 'l1');
    await Legacy.collection.insertOne({ _id: 'l1', _outbox: [old], _outboxSeq: 1 } as never);
    const relay = new OutboxRelay(bus, logger, { intervalMs: 100 }).watch(Legacy);
    relay.start();
    try {
      await eventually(() => expect(received.map((e) => e.id)).toContain(old.id), 3_000);
      // Later writes carry the marker and are found by it (watch, not track: no by-_id relay here).
      const next = createEvent('identity.v1.user.updated', { legacy: false }, 'l2');
      await Legacy.create({ _id: 'l2', ...outboxOnCreate([next]) });
      await eventually(() => expect(received.map((e) => e.id)).toContain(next.id), 3_000);
      await eventually(async () => expect(await Legacy.collection.findOne({ _id: 'l2' } as never)).toMatchObject({ _outbox: [] }), 3_000);
      expect(await Legacy.collection.findOne({ _id: 'l2' } as never)).not.toHaveProperty('_outboxPending');
      // Proof that polls no longer read every document: an outbox without the marker now waits.
      const unmarked = createEvent('identity.v1.user.updated', { unmarked: true }, 'l3');
      await Legacy.collection.insertOne({ _id: 'l3', _outbox: [unmarked], _outboxSeq: 1 } as never);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(received.map((e) => e.id)).not.toContain(unmarked.id);
    } finally {
      await relay.stop();
    }
  });
});
