import { createHookGuard } from './guardHook';

describe('createHookGuard', () => {
  it('contains a throwing hook: counts every failure, logs the first per hook', () => {
    const logger = { error: jest.fn() };
    const counted: string[] = [];
    const guard = createHookGuard(logger, { inc: (labels?: { hook?: string }) => counted.push(labels?.hook ?? '') } as never);
    const finish = guard('finish', (status: number) => {
      if (status >= 500) throw new Error('Added label "0" is not included in initial labelset');
    });
    expect(() => [200, 500, 503, 200].forEach((status) => finish(status))).not.toThrow();
    expect(counted).toEqual(['finish', 'finish']);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0][1]).toMatch(/"finish" failed; contained/);
  });

  it('passes arguments through and stays silent when the hook works', () => {
    const logger = { error: jest.fn() };
    const seen: number[] = [];
    createHookGuard(logger, { inc: jest.fn() })('ok', (a: number, b: number) => seen.push(a + b))(2, 3);
    expect(seen).toEqual([5]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('survives a counter that throws too', () => {
    const logger = { error: jest.fn() };
    const guard = createHookGuard(logger, { inc: () => { throw new Error('counter broken'); } });
    expect(() => guard('h', () => { throw new Error('hook broken'); })()).not.toThrow();
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});
