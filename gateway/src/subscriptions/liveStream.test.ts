import { LiveStream } from './liveStream';

describe('LiveStream', () => {
  it('hands out pushed frames in order, then the last frame, then completes, and cleans up once', async () => {
    const onClose = jest.fn();
    const stream = new LiveStream(onClose);
    const pending = stream.next();
    stream.push({ data: { n: 1 } });
    stream.push({ data: { n: 2 } });
    stream.end({ errors: [] });
    stream.push({ data: { n: 3 } });
    expect(await pending).toEqual({ value: { data: { n: 1 } }, done: false });
    expect(await stream.next()).toEqual({ value: { data: { n: 2 } }, done: false });
    expect(await stream.next()).toEqual({ value: { errors: [] }, done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await stream.return();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('wakes a waiting reader when it ends without a last frame', async () => {
    const stream = new LiveStream(() => undefined);
    const waiting = stream.next();
    stream.end();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it('drops what is queued when the client goes away', async () => {
    const onClose = jest.fn();
    const stream = new LiveStream(onClose);
    stream.push({ data: { n: 1 } });
    await stream.return();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(stream.isOpen).toBe(false);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
