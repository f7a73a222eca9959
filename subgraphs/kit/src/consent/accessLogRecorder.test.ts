import type { Logger } from 'pino';
import type { EventEnvelope } from '../events/eventEnvelope';
import { ACCESS_RECORDED_SUBJECT, AccessLogRecorder, type AccessLogBus, type AccessLogEntry, type AccessLogRead } from './accessLogRecorder';

/** A bus that keeps what is published; `failNext` makes the next publishes throw, `connected` is what isConnected says. */
class FakeBus implements AccessLogBus {
  published: EventEnvelope[] = [];
  connected = true;
  failNext = 0;
  async publish(event: EventEnvelope): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('nats: timeout');
    }
    this.published.push(JSON.parse(JSON.stringify(event)) as EventEnvelope);
  }
  isConnected(): boolean {
    return this.connected;
  }
  entries(): AccessLogEntry[] {
    return this.published.flatMap((event) => event.data.entries as AccessLogEntry[]);
  }
}

/** A logger that keeps its lines. */
function fakeLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message });
  return { lines, logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Logger };
}

const FIELDS = ['HiringProfile.skills', 'HiringProfile.employmentHistory', 'HiringProfile.educationHistory', 'User.phoneNumber'];
const partnerRead = (subjectUserId: string, field: string, overrides: Partial<AccessLogRead> = {}): AccessLogRead => ({
  viewerKind: 'partner',
  viewerId: 'key-1',
  viewerOrgId: 'acme',
  subjectUserId,
  field,
  purpose: 'EMPLOYER_SHARING',
  ...overrides,
});

function setup(options: { maxBuffered?: number } = {}) {
  const bus = new FakeBus();
  const { lines, logger } = fakeLogger();
  let now = new Date('2030-01-01T00:00:00.000Z');
  const clock = () => now;
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  const recorder = new AccessLogRecorder(bus, logger, { subgraph: 'hiring', flushMs: 250, clock, ...options });
  return { bus, lines, recorder, advance };
}

describe('AccessLogRecorder', () => {
  it('collapses 50 reads by one partner of 4 fields of the same subject in one window into one entry (count 200, 4 fields)', async () => {
    const { bus, recorder, advance } = setup();
    for (let request = 0; request < 50; request += 1) {
      for (const field of FIELDS) recorder.record(partnerRead('ada', field));
      advance(4);
    }
    expect(recorder.pending()).toBe(1);
    expect(recorder.pendingReads()).toBe(200);
    await recorder.flush();
    expect(bus.published).toHaveLength(1);
    expect(bus.published[0]!.type).toBe(ACCESS_RECORDED_SUBJECT);
    expect(bus.entries()).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        viewerKind: 'partner',
        viewerId: 'key-1',
        viewerOrgId: 'acme',
        subjectUserId: 'ada',
        purpose: 'EMPLOYER_SHARING',
        subgraph: 'hiring',
        fields: ['HiringProfile.educationHistory', 'HiringProfile.employmentHistory', 'HiringProfile.skills', 'User.phoneNumber'],
        count: 200,
        firstAt: '2030-01-01T00:00:00.000Z',
        lastAt: '2030-01-01T00:00:00.196Z',
      },
    ]);
    expect(recorder.pending()).toBe(0);
  });

  it('keeps distinct subjects, viewers, organizations, viewer kinds and purposes apart', async () => {
    const { bus, recorder } = setup();
    const reads: AccessLogRead[] = [
      partnerRead('ada', 'HiringProfile.skills'),
      partnerRead('ada', 'HiringProfile.skills'),
      partnerRead('bob', 'HiringProfile.skills'),
      partnerRead('ada', 'HiringProfile.skills', { viewerId: 'key-2' }),
      partnerRead('ada', 'HiringProfile.skills', { viewerOrgId: 'globex' }),
      partnerRead('ada', 'HiringProfile.skills', { viewerKind: 'user', viewerId: 'key-1', viewerOrgId: null }),
      partnerRead('ada', 'HiringProfile.skills', { viewerKind: 'anonymous', viewerId: null, viewerOrgId: null }),
      partnerRead('ada', 'HiringProfile.skills', { viewerKind: 'anonymous', viewerId: null, viewerOrgId: null }),
      partnerRead('ada', 'User.phoneNumber', { purpose: 'CONTACT_DISCOVERY' }),
    ];
    for (const read of reads) recorder.record(read);
    await recorder.flush();
    const entries = bus.entries();
    expect(entries.map((entry) => [entry.viewerKind, entry.viewerId, entry.viewerOrgId, entry.subjectUserId, entry.purpose, entry.count])).toEqual([
      ['partner', 'key-1', 'acme', 'ada', 'EMPLOYER_SHARING', 2],
      ['partner', 'key-1', 'acme', 'bob', 'EMPLOYER_SHARING', 1],
      ['partner', 'key-2', 'acme', 'ada', 'EMPLOYER_SHARING', 1],
      ['partner', 'key-1', 'globex', 'ada', 'EMPLOYER_SHARING', 1],
      ['user', 'key-1', null, 'ada', 'EMPLOYER_SHARING', 1],
      ['anonymous', null, null, 'ada', 'EMPLOYER_SHARING', 2],
      ['partner', 'key-1', 'acme', 'ada', 'CONTACT_DISCOVERY', 1],
    ]);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
  });

  it('starts a new entry with a new id in the next window; a sealed entry never changes', async () => {
    const { bus, recorder, advance } = setup();
    recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    await recorder.flush();
    advance(250);
    recorder.record(partnerRead('ada', 'HiringProfile.employmentHistory'));
    await recorder.flush();
    const [first, second] = bus.entries();
    expect(first).toMatchObject({ fields: ['HiringProfile.skills'], count: 1, firstAt: '2030-01-01T00:00:00.000Z', lastAt: '2030-01-01T00:00:00.000Z' });
    expect(second).toMatchObject({ fields: ['HiringProfile.employmentHistory'], count: 1, firstAt: '2030-01-01T00:00:00.250Z' });
    expect(second!.id).not.toBe(first!.id);
  });

  it('publishes at most 500 entries per event', async () => {
    const { bus, recorder } = setup();
    for (let subject = 0; subject < 1_201; subject += 1) recorder.record(partnerRead(`u-${subject}`, 'HiringProfile.skills'));
    await recorder.flush();
    expect(bus.published.map((event) => (event.data.entries as unknown[]).length)).toEqual([500, 500, 201]);
  });

  it('keeps entries when publishing fails and publishes them, unchanged and before newer ones, on the next flush', async () => {
    const { bus, recorder, lines, advance } = setup();
    for (let subject = 0; subject < 700; subject += 1) recorder.record(partnerRead(`u-${subject}`, 'HiringProfile.skills'));
    bus.failNext = 1;
    await recorder.flush();
    expect(bus.published).toHaveLength(0);
    expect(recorder.pending()).toBe(700);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ pending: 700 }), message: 'could not publish access log; will retry' })]);

    // The second chunk fails this time: the first is out, the rest waits.
    bus.failNext = 0;
    const publish = bus.publish.bind(bus);
    let calls = 0;
    bus.publish = async (event) => {
      calls += 1;
      if (calls === 2) throw new Error('nats: timeout');
      return publish(event);
    };
    advance(250);
    recorder.record(partnerRead('u-0', 'HiringProfile.skills')); // a new window: a new entry, after the old ones
    await recorder.flush();
    expect(bus.entries()).toHaveLength(500);
    expect(recorder.pending()).toBe(201);
    bus.publish = publish;
    await recorder.flush();
    const entries = bus.entries();
    expect(entries).toHaveLength(701);
    expect(entries.slice(0, 700).map((entry) => entry.subjectUserId)).toEqual(Array.from({ length: 700 }, (_, i) => `u-${i}`));
    expect(entries.slice(0, 700).every((entry) => entry.firstAt === '2030-01-01T00:00:00.000Z')).toBe(true);
    expect(entries[700]).toMatchObject({ subjectUserId: 'u-0', firstAt: '2030-01-01T00:00:00.250Z' });
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(701);
    expect(recorder.pending()).toBe(0);
  });

  it('waits while NATS is unreachable, sealing each window, and publishes once it is back', async () => {
    const { bus, recorder, advance } = setup();
    bus.connected = false;
    recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    await recorder.flush();
    advance(250);
    recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    await recorder.flush();
    expect(bus.published).toHaveLength(0);
    expect(recorder.pending()).toBe(2);
    expect(recorder.pendingReads()).toBe(3);
    bus.connected = true;
    await recorder.flush();
    expect(bus.entries().map((entry) => [entry.count, entry.firstAt])).toEqual([
      [1, '2030-01-01T00:00:00.000Z'],
      [2, '2030-01-01T00:00:00.250Z'],
    ]);
  });

  it('bounds the buffer in aggregated entries, dropping the oldest and reporting entries and reads dropped once', async () => {
    const { bus, recorder, lines } = setup({ maxBuffered: 3 });
    bus.connected = false;
    for (let i = 0; i < 5; i += 1) recorder.record(partnerRead('ada', 'HiringProfile.skills')); // one entry, 5 reads
    await recorder.flush(); // sealed: [ada x5]
    // bob, cy, then dan: one over the bound, so the oldest, the sealed ada entry (5 reads), goes.
    for (const subject of ['bob', 'cy', 'dan']) recorder.record(partnerRead(subject, 'HiringProfile.skills'));
    // Repeated reads of a subject already in the window cost no room.
    for (let i = 0; i < 100; i += 1) recorder.record(partnerRead('dan', 'HiringProfile.educationHistory'));
    expect(recorder.pending()).toBe(3);
    recorder.record(partnerRead('eve', 'HiringProfile.skills')); // drops the oldest open one, bob
    expect(recorder.pending()).toBe(3);
    expect(lines).toEqual([]); // reported at the next flush, not once per read
    await recorder.flush();
    expect(lines.filter((line) => line.level === 'error')).toEqual([
      { level: 'error', fields: { droppedEntries: 2, droppedReads: 6 }, message: 'access log buffer full; dropped the oldest entries' },
    ]);
    bus.connected = true;
    await recorder.flush();
    expect(bus.entries().map((entry) => [entry.subjectUserId, entry.count, entry.fields])).toEqual([
      ['cy', 1, ['HiringProfile.skills']],
      ['dan', 101, ['HiringProfile.educationHistory', 'HiringProfile.skills']],
      ['eve', 1, ['HiringProfile.skills']],
    ]);
  });

  it('does not publish twice when flushes overlap', async () => {
    const { bus, recorder } = setup();
    recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    await Promise.all([recorder.flush(), recorder.flush(), recorder.flush()]);
    expect(bus.entries()).toHaveLength(1);
  });

  it('publishes what is left on close, and says what was lost when it cannot', async () => {
    const { bus, recorder, lines } = setup();
    recorder.start();
    recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    await recorder.close();
    expect(bus.entries()).toHaveLength(1);

    const down = setup();
    down.bus.connected = false;
    down.recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    down.recorder.record(partnerRead('ada', 'HiringProfile.skills'));
    await down.recorder.close();
    expect(down.lines).toEqual([
      { level: 'error', fields: { lostEntries: 1, lostReads: 2 }, message: 'access log entries could not be published before shutdown' },
    ]);
    expect(lines).toEqual([]);
  });
});
