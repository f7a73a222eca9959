'use strict';
// Runs the graph's processes side by side with prefixed output, restarts one
// that crashes (with backoff, loudly), and stops them all (SIGTERM, then
// SIGKILL after a grace period) when asked.
const { spawn } = require('node:child_process');
const readline = require('node:readline');

/** Restart delays: 1 s, 2 s, 4 s ... at most 30 s; a process that stayed up this long starts again from 1 s. */
const RESTART = { firstDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000 };

class ProcessGroup {
  /**
   * @param {{ restart?: Partial<typeof RESTART>, log?: (line: string) => void, formatLine?: (line: string) => string, print?: (line: string) => void }} [options]
   * `formatLine` rewrites each line a child prints before it is prefixed (npm start: readable logs);
   * `print` receives the prefixed lines (stdout by default).
   */
  constructor(options = {}) {
    /** @type {{ name: string, child: import('node:child_process').ChildProcess }[]} */
    this.children = [];
    this.stopping = false;
    this.restart = { ...RESTART, ...options.restart };
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.formatLine = options.formatLine ?? ((line) => line);
    this.print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
    /** @type {Set<NodeJS.Timeout>} */
    this.pendingRestarts = new Set();
  }

  /**
   * Starts a node process. `onExit` (if given) hears every unexpected exit; with `restart: true` the
   * process is started again after a growing delay instead of being left dead.
   * @param {string} name @param {string[]} args node arguments @param {NodeJS.ProcessEnv} env
   * @param {((code: number | null) => void) | { onExit?: (code: number | null) => void, restart?: boolean }} [options]
   */
  start(name, args, env, options = {}) {
    const { onExit, restart } = typeof options === 'function' ? { onExit: options, restart: false } : options;
    let delayMs = this.restart.firstDelayMs;
    const launch = () => {
      const startedAt = Date.now();
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [child.stdout, child.stderr]) {
        readline.createInterface({ input: stream }).on('line', (line) => this.print(`[${name.padEnd(8)}] ${this.formatLine(line)}`));
      }
      child.on('exit', (code, signal) => {
        if (this.stopping) return;
        onExit?.(code);
        if (!restart) return;
        if (Date.now() - startedAt >= this.restart.stableAfterMs) delayMs = this.restart.firstDelayMs;
        this.log(`!!! ${name} exited (${signal ?? `code ${code}`}); restarting it in ${delayMs / 1000} s`);
        const timer = setTimeout(() => {
          this.pendingRestarts.delete(timer);
          if (this.stopping) return;
          entry.child = launch();
          this.log(`!!! ${name} restarted (pid ${entry.child.pid})`);
        }, delayMs);
        this.pendingRestarts.add(timer);
        delayMs = Math.min(delayMs * 2, this.restart.maxDelayMs);
      });
      return child;
    };
    const entry = { name, child: /** @type {import('node:child_process').ChildProcess} */ (/** @type {unknown} */ (undefined)) };
    entry.child = launch();
    this.children.push(entry);
    return entry.child;
  }

  /** @param {number} graceMs */
  async stop(graceMs = 10_000) {
    this.stopping = true;
    for (const timer of this.pendingRestarts) clearTimeout(timer);
    this.pendingRestarts.clear();
    await Promise.all(
      this.children.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve(undefined);
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Polls an HTTP URL until it answers 200, or rejects after timeoutMs. @param {string} url @param {number} timeoutMs */
async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

module.exports = { ProcessGroup, waitForHttp };
