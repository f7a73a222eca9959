/* global AbortSignal */
// Readiness with a fine poll (20 ms rather than start's 100 ms), because S8
// reports the time to ready and the poll interval bounds its resolution.

/** @param {string} url @param {number} timeoutMs @param {() => boolean} isAlive @param {RequestInit} [init] @returns {Promise<void>} */
export async function waitUntilReady(url, timeoutMs, isAlive = () => true, init = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (!isAlive()) throw new Error(`${url}: the process exited before it was ready`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
