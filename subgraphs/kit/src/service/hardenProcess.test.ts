import { hardenProcess, isProcessHardened } from '@profile-graph/core';
import { runMain } from './runMain';

describe('hardenProcess', () => {
  // jest.preset.js already hardens every test context; put the original accessor back to see each entry point replace it.
  const original = { get(this: object) { return Object.getPrototypeOf(this); }, set(this: object, proto: object) { Object.setPrototypeOf(this, proto); }, configurable: true };
  const restoreOriginal = () => Object.defineProperty(Object.prototype, '__proto__', original);
  afterEach(() => hardenProcess());

  it('turns a "__proto__" write into an own property, never a new prototype', () => {
    restoreOriginal();
    expect(isProcessHardened()).toBe(false);
    hardenProcess();
    expect(isProcessHardened()).toBe(true);
    const target: Record<string, unknown> = {};
    Object.assign(target, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const response: Record<string, unknown> = {};
    response['__proto__'] = 'a headline';
    expect(JSON.stringify(response)).toBe('{"__proto__":"a headline"}');
  });

  it('closes the read-then-merge path the engine took into Object.prototype', () => {
    hardenProcess();
    const result: Record<string, unknown> = {};
    // The engine's merge: `if (result[key] == null) result[key] = value; else Object.assign(result[key], value)`.
    const key = '__proto__';
    if (result[key] == null) result[key] = { headline: 'x' };
    else Object.assign(result[key] as object, { headline: 'x' });
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('headline');
    expect(Object.keys(result)).toEqual(['__proto__']);
  });

  it("still reads a class instance's prototype (loggers rely on it)", () => {
    hardenProcess();
    const error = new TypeError('x') as unknown as { __proto__: unknown };
    expect(error.__proto__).toBe(TypeError.prototype);
    expect((Object.create(null) as { __proto__?: unknown }).__proto__).toBeUndefined();
  });

  it('runs in every subgraph main before the service starts', async () => {
    restoreOriginal();
    let hardenedAtStart: boolean | undefined;
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    runMain('probe', async () => {
      hardenedAtStart = isProcessHardened();
      throw new Error('stop here');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(hardenedAtStart).toBe(true);
    exit.mockRestore();
    stderr.mockRestore();
  });
});
