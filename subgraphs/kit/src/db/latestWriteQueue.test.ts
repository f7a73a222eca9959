import { LatestWriteQueue } from './latestWriteQueue';

/** A writer whose writes the test lets finish one by one. */
function heldWriter() {
  const written: string[] = [];
  const releases: (() => void)[] = [];
  const write = (value: string) =>
    new Promise<void>((resolve) => {
      releases.push(() => {
        written.push(value);
        resolve();
      });
    });
  const releaseAll = async () => {
    while (releases.length || written.length === 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { written, write, releases, releaseAll };
}

describe('LatestWriteQueue', () => {
  it('holds at most one value per key however many updates arrive while the database is slow, and writes the latest', async () => {
    const writer = heldWriter();
    const queue = new LatestWriteQueue<string>(writer.write, () => undefined);
    for (let i = 0; i < 1_000; i++) queue.set(`k${i % 3}`, `k${i % 3}=${i}`);
    // The first value is being written; every later update of the three keys collapsed into one each.
    expect(writer.releases).toHaveLength(1);
    expect(queue.size).toBe(3);
    const settled = queue.settled();
    await writer.releaseAll();
    await settled;
    expect(writer.written).toEqual(['k0=0', 'k1=997', 'k2=998', 'k0=999']);
    expect(queue.size).toBe(0);
  });

  it('settles only after the values set so far are written, and starts again for later ones', async () => {
    const writer = heldWriter();
    const queue = new LatestWriteQueue<string>(writer.write, () => undefined);
    queue.set('a', 'a1');
    let done = false;
    const settled = queue.settled().then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    writer.releases.shift()!();
    await settled;
    expect(writer.written).toEqual(['a1']);
    queue.set('a', 'a2');
    writer.releases.shift()!();
    await queue.settled();
    expect(writer.written).toEqual(['a1', 'a2']);
  });

  it('reports a failed write and goes on with the next key', async () => {
    const errors: unknown[] = [];
    const written: string[] = [];
    const queue = new LatestWriteQueue<string>(async (value) => {
      if (value === 'bad') throw new Error('write failed');
      written.push(value);
    }, (error) => errors.push(error));
    queue.set('a', 'bad');
    queue.set('b', 'good');
    await queue.settled();
    expect(written).toEqual(['good']);
    expect(errors).toEqual([new Error('write failed')]);
  });
});
