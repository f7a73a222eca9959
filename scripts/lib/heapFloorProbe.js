// Preloaded by `npm run soak` into every service it starts (node --expose-gc -r this file). Every
// SOAK_HEAP_INTERVAL_MS it forces a full collection and appends "<epoch ms> <heap used bytes>" to
// SOAK_HEAP_FILE. Heap used right after a full GC is what the process still holds, so its growth tells a
// leak apart from RSS, which also moves with allocator fragmentation and V8 sizing its spaces. A soak
// diagnostic only: never loaded by `npm start` or in production.
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.SOAK_HEAP_FILE;
const intervalMs = Number(process.env.SOAK_HEAP_INTERVAL_MS ?? 10_000);

if (file && typeof globalThis.gc === 'function') {
  const sample = () => {
    globalThis.gc();
    appendFileSync(file, `${Date.now()} ${process.memoryUsage().heapUsed}\n`);
  };
  // unref: the probe never keeps a service alive that is shutting down.
  setInterval(sample, intervalMs).unref();
}
