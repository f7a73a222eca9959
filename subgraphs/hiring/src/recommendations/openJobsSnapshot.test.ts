import type { JobDoc, JobModel } from '../models/jobModel';
import { OpenJobsSnapshot } from './openJobsSnapshot';

/** A stand-in for the jobs model: find().sort().limit().lean() over a list, counting loads. */
function fakeJobs(initial: string[]) {
  const state = { ids: initial, loads: 0, gate: null as Promise<void> | null };
  const model = {
    find: () => ({
      sort: () => ({
        limit: (n: number) => ({
          lean: async () => {
            state.loads += 1;
            const ids = state.ids;
            if (state.gate) await state.gate;
            return ids.slice(0, n).map((id) => ({ _id: id }) as JobDoc);
          },
        }),
      }),
    }),
  } as unknown as JobModel;
  return { model, state };
}

describe('OpenJobsSnapshot', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  it('reads the jobs once per maxAgeMs, also for concurrent readers', async () => {
    const { model, state } = fakeJobs(['j1', 'j2']);
    const snapshot = new OpenJobsSnapshot(model, { maxAgeMs: 1_000, maxJobs: 10, now: clock });
    const [a, b] = await Promise.all([snapshot.get(), snapshot.get()]);
    expect(a?.map((job) => job._id)).toEqual(['j1', 'j2']);
    expect(b).toBe(a);
    now = 999;
    await snapshot.get();
    expect(state.loads).toBe(1);
    now = 1_000;
    state.ids = ['j3'];
    expect((await snapshot.get())?.map((job) => job._id)).toEqual(['j3']);
    expect(state.loads).toBe(2);
  });

  it('reads again on the next get after invalidate', async () => {
    const { model, state } = fakeJobs(['j1']);
    const snapshot = new OpenJobsSnapshot(model, { maxAgeMs: 60_000, maxJobs: 10, now: clock });
    await snapshot.get();
    state.ids = ['j1', 'j2'];
    snapshot.invalidate();
    expect((await snapshot.get())?.map((job) => job._id)).toEqual(['j1', 'j2']);
  });

  it('does not keep a load that a write overtook', async () => {
    const { model, state } = fakeJobs(['old']);
    const snapshot = new OpenJobsSnapshot(model, { maxAgeMs: 60_000, maxJobs: 10, now: clock });
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const inFlight = snapshot.get();
    snapshot.invalidate();
    release();
    expect((await inFlight)?.map((job) => job._id)).toEqual(['old']);
    state.gate = null;
    state.ids = ['new'];
    expect((await snapshot.get())?.map((job) => job._id)).toEqual(['new']);
  });

  it('answers null beyond maxJobs, and remembers that for maxAgeMs', async () => {
    const { model, state } = fakeJobs(['j1', 'j2', 'j3']);
    const snapshot = new OpenJobsSnapshot(model, { maxAgeMs: 1_000, maxJobs: 2, now: clock });
    expect(await snapshot.get()).toBeNull();
    expect(await snapshot.get()).toBeNull();
    expect(state.loads).toBe(1);
  });
});
