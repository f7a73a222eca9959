const HARDENED = Symbol.for('profile-graph.hardenedProtoAccessor');

function hardenedGet(this: unknown): unknown {
  const proto = Object.getPrototypeOf(this);
  return proto === Object.prototype ? undefined : proto;
}

function hardenedSet(this: unknown, value: unknown): void {
  if (Object(this) !== this) return;
  Object.defineProperty(this, '__proto__', { value, writable: true, enumerable: true, configurable: true });
}
Object.defineProperty(hardenedSet, HARDENED, { value: true });

/**
 * Takes the danger out of `__proto__`, as every `main` does first (runMain,
 * the gateway's main) and the tests do for each context (jest.preset.js):
 *
 * - writing `obj["__proto__"] = value` (a response key, a JSON key copied
 *   with Object.assign) creates an ordinary own property instead of
 *   replacing the object's prototype, exactly as with
 *   `node --disable-proto=delete`;
 * - reading it on a plain object gives undefined, also as with that flag, so
 *   code that merges into `target[key]` never reaches Object.prototype;
 * - reading it on any other object (a class instance) still gives its
 *   prototype. That is why this replaces the flag: with the accessor deleted
 *   outright, @graphql-hive/logger sees `error.__proto__ == null` and logs
 *   every error as `{}`.
 *
 * Object.getPrototypeOf/setPrototypeOf and `{ __proto__: x }` literals in
 * source are unaffected. Idempotent.
 */
export function hardenProcess(): void {
  if (isHardenedAccessor(Object.getOwnPropertyDescriptor(Object.prototype, '__proto__'))) return;
  Object.defineProperty(Object.prototype, '__proto__', { get: hardenedGet, set: hardenedSet, enumerable: false, configurable: true });
}

const isHardenedAccessor = (descriptor: PropertyDescriptor | undefined) => (descriptor?.set as { [HARDENED]?: boolean } | undefined)?.[HARDENED] === true;

/** Whether this realm's `__proto__` accessor is the hardened one. */
export function isProcessHardened(): boolean {
  return isHardenedAccessor(Object.getOwnPropertyDescriptor(Object.prototype, '__proto__'));
}
