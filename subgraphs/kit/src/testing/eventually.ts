/**
 * Polls `check` until it stops throwing or `timeoutMs` passes; for effects
 * that cross NATS, where there is no event to await. Returns the last value.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
