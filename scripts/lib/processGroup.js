'use strict';
// Runs the graph's processes side by side with prefixed output, and stops
// them all (SIGTERM, then SIGKILL after a grace period) when asked.
const { spawn } = require('node:child_process');
const readline = require('node:readline');

class ProcessGroup {
  constructor() {
    /** @type {{ name: string, child: import('node:child_process').ChildProcess }[]} */
    this.children = [];
    this.stopping = false;
  }

  /** @param {string} name @param {string[]} args node arguments @param {NodeJS.ProcessEnv} env @param {(code: number | null) => void} onExit */
  start(name, args, env, onExit) {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name.padEnd(8)}] ${line}\n`));
    }
    child.on('exit', (code) => {
      if (!this.stopping) onExit(code);
    });
    this.children.push({ name, child });
    return child;
  }

  /** @param {number} graceMs */
  async stop(graceMs = 10_000) {
    this.stopping = true;
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
