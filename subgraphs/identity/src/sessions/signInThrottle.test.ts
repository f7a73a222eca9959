import { SignInThrottle } from './signInThrottle';

describe('SignInThrottle', () => {
  let now = 0;
  const throttle = () => new SignInThrottle({ freeFailuresPerHandle: 3, freeFailuresPerIp: 5, maxDelaySeconds: 60, windowSeconds: 3600, now: () => now });
  const code = (fn: () => void) => {
    try {
      fn();
      return 'ok';
    } catch (error) {
      return (error as { code: string }).code;
    }
  };

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a few failures, then makes each attempt wait longer, up to the cap', () => {
    const t = throttle();
    for (let i = 0; i < 3; i += 1) {
      expect(code(() => t.check('ada', '10.0.0.1'))).toBe('ok');
      t.recordFailure('ada', '10.0.0.1');
    }
    expect(code(() => t.check('ada', '10.0.0.2'))).toBe('RATE_LIMITED');
    now += 1_000;
    expect(code(() => t.check('ada', '10.0.0.2'))).toBe('ok');
    t.recordFailure('ada', '10.0.0.2');
    now += 1_000;
    expect(code(() => t.check('ada', undefined))).toBe('RATE_LIMITED');
    for (let i = 0; i < 20; i += 1) t.recordFailure('ada', undefined);
    now += 60_000;
    expect(code(() => t.check('ada', undefined))).toBe('ok');
  });

  it('throttles an address spraying many handles, and a success clears only the handle', () => {
    const t = throttle();
    for (let i = 0; i < 5; i += 1) t.recordFailure(`user${i}`, '10.0.0.9');
    expect(code(() => t.check('someone_else', '10.0.0.9'))).toBe('RATE_LIMITED');
    expect(code(() => t.check('someone_else', '10.0.0.8'))).toBe('ok');
    t.recordSuccess('user1');
    expect(code(() => t.check('user1', '10.0.0.9'))).toBe('RATE_LIMITED');
  });
});
