// A node process pinned to one CPU from its first instruction: spawned through
// `taskset -c CPU`, which execs node, so the pid is node's and every thread
// node starts (V8, libuv, the Rust planner's) inherits the pin.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { waitUntilReady } from './waitUntilReady.mjs';

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;

/**
 * @param {{ name: string, cpu: number, args: string[], env: NodeJS.ProcessEnv, readyUrl: string, readyInit?: RequestInit, onCrash: (name: string, code: number | null) => void }} options
 * @returns {Promise<{ name: string, pid: number, cpu: number, readyMs: number, stop: () => Promise<void> }>}
 */
export async function startPinned({ name, cpu, args, env, readyUrl, readyInit = {}, onCrash }) {
  const started = performance.now();
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stopping = false;
  for (const stream of [child.stdout, child.stderr]) readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name.padEnd(8)}] ${line}\n`));
  child.on('exit', (code) => {
    if (!stopping) onCrash(name, code);
  });
  const stop = () =>
    new Promise((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
      child.kill('SIGTERM');
    });
  try {
    await waitUntilReady(readyUrl, READY_TIMEOUT_MS, () => child.exitCode === null && child.signalCode === null, readyInit);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, pid: /** @type {number} */ (child.pid), cpu, readyMs: Math.round(performance.now() - started), stop };
}
