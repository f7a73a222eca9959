import { KeyedLock } from './keyedLock';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedLock', () => {
  it('runs tasks of one key in order, one at a time, and tasks of other keys alongside', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    let releaseA1!: () => void;
    const a1 = lock.runKeyed('a', () => new Promise<void>((resolve) => {
      events.push('a1 start');
      releaseA1 = () => {
        events.push('a1 end');
        resolve();
      };
    }));
    const a2 = lock.runKeyed('a', async () => void events.push('a2'));
    const b1 = lock.runKeyed('b', async () => void events.push('b1'));
    await tick();
    await b1;
    expect(events).toEqual(['a1 start', 'b1']);
    releaseA1();
    await Promise.all([a1, a2]);
    expect(events).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('runs an exclusive task after every earlier task and before every later one', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const slow = lock.runKeyed('a', async () => {
      await tick();
      await tick();
      events.push('a');
    });
    const exclusive = lock.runExclusive(async () => void events.push('all'));
    const later = lock.runKeyed('b', async () => void events.push('b'));
    await Promise.all([slow, exclusive, later]);
    expect(events).toEqual(['a', 'all', 'b']);
  });

  it('keeps going after a task fails, and reports the failure to its caller only', async () => {
    const lock = new KeyedLock();
    await expect(lock.runKeyed('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.runKeyed('a', async () => 'next')).resolves.toBe('next');
  });
});
