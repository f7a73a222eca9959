import { installProcessGuards } from './installProcessGuards';

// Emitting the events directly exercises the installed handlers without making jest's own process fault.
const emit = (event: 'uncaughtException' | 'unhandledRejection', error: Error) => (process.emit as (event: string, ...args: unknown[]) => boolean)(event, error, event === 'unhandledRejection' ? Promise.resolve() : event);

describe('installProcessGuards', () => {
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());

  it('logs and counts an unhandled rejection and carries on', () => {
    const logger = { error: jest.fn() };
    const faults: string[] = [];
    const exit = jest.fn();
    remove = installProcessGuards({ name: 'svc', logger, onFault: (kind) => faults.push(kind), exit });
    emit('unhandledRejection', new Error('lost promise'));
    expect(faults).toEqual(['unhandled_rejection']);
    expect(logger.error).toHaveBeenCalledWith({ err: expect.any(Error) }, expect.stringMatching(/unhandled promise rejection/));
    expect(exit).not.toHaveBeenCalled();
  });

  it('survives a few uncaught exceptions, then exits on purpose with a clear line', () => {
    const logger = { error: jest.fn(), fatal: jest.fn() };
    const exit = jest.fn();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    remove = installProcessGuards({ name: 'svc', logger, exit, maxUncaught: 3, windowMs: 60_000 });
    emit('uncaughtException', new Error('one'));
    emit('uncaughtException', new Error('two'));
    expect(exit).not.toHaveBeenCalled();
    emit('uncaughtException', new Error('three'));
    expect(exit).toHaveBeenCalledWith(70);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^svc: exiting on purpose: 3 uncaught exceptions within 60 s/);
    stderr.mockRestore();
  });

  it('removes its handlers', () => {
    const before = process.listenerCount('uncaughtException');
    const undo = installProcessGuards({ name: 'svc', logger: { error: jest.fn() } });
    expect(process.listenerCount('uncaughtException')).toBe(before + 1);
    undo();
    expect(process.listenerCount('uncaughtException')).toBe(before);
  });
});
