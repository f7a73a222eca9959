'use strict';
// Process supervision: launching a server with its log, waiting until it is
// ready, stopping it (SIGTERM, then SIGKILL), restarting it on the same port,
// and cleaning up after servers whose owning process died (test workers).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { POLL_MS, READY_TIMEOUT_MS, STOP_TIMEOUT_MS, delay, lastLine } = require('./common');
const { isPortFree } = require('./probes');

/** Children tied to this process, killed when it exits so tests never leak servers. */
const attached = new Set();
/** Temp dirs we created for attached children, removed on exit. @type {Set<string>} */
const tempDirs = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Best effort only: inside a jest test file `process` is a sandbox copy whose 'exit' never
  // fires, so sweepOrphans() below is what actually cleans up after test workers.
  process.on('exit', () => {
    // Only synchronous work is possible here, so no graceful shutdown: test data is disposable.
    for (const child of attached) child.kill('SIGKILL');
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

const TEMP_PREFIX = 'profile-graph-';
// In each temp dir of an attached server: { owner: pid of this process, server: pid of the server }.
const OWNER_FILE = 'owner.json';

/** @param {string} dir @param {number | null} server */
function writeOwner(dir, server) {
  fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify({ owner: process.pid, server }));
}

/** True when pid runs with `text` in its command line (Linux); guards against recycled pids. @param {number} pid @param {string} text */
function cmdlineIncludes(pid, text) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
  } catch {
    return false;
  }
}

let swept = false;
/**
 * Once per process: removes temp dirs whose owning process is gone, killing the server still
 * running there (its args name the dir). Covers crashed or killed test runs and jest workers.
 */
function sweepOrphans() {
  if (swept) return;
  swept = true;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const { owner, server } = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
      if (isAlive(owner)) continue;
      if (server && cmdlineIncludes(server, dir)) signal(server, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // no owner file (detached, kept after a failure, or just being created) or already gone
    }
  }
}

/** A temp dir; when `owned`, it belongs to this process and is removed when it exits. @param {string} name @param {boolean} owned */
function makeTempDir(name, owned) {
  if (owned) sweepOrphans();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${name}-`));
  if (owned) {
    installExitHook();
    tempDirs.add(dir);
    writeOwner(dir, null);
  }
  return dir;
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
  // A detached server's parent is init once our script exits; where init does not reap
  // (some containers), a stopped server lingers as a zombie that kill(pid, 0) still finds.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** @param {number} pid @param {NodeJS.Signals} signal */
function signal(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** @param {() => boolean} cond @param {number} timeoutMs */
async function pollUntil(cond, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await delay(POLL_MS);
  }
  return true;
}

/** SIGTERM, wait for exit, SIGKILL after STOP_TIMEOUT_MS. Works for processes we did not spawn. @param {number} pid */
async function stopPid(pid) {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  if (await pollUntil(() => !isAlive(pid), STOP_TIMEOUT_MS)) return;
  signal(pid, 'SIGKILL');
  await pollUntil(() => !isAlive(pid), STOP_TIMEOUT_MS);
}

/** Same as stopPid for our own child, but driven by its exit event (no pid-reuse risk). @param {import('node:child_process').ChildProcess} child */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Last non-empty line of a log file, for error messages. @param {string} file */
function logTail(file) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(size, 4096));
      fs.readSync(fd, buf, 0, buf.length, size - buf.length);
      return lastLine(buf.toString('utf8'));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * Spawns `bin args` with output appended to logFile and polls `ready(pid)` until it returns a
 * port. Fails within READY_TIMEOUT_MS with one line naming binary, port and log file.
 * tempDir: the temp dir we made for this server ('' if none), to record its pid for sweepOrphans.
 * user: uid/gid to run it as (PostgreSQL refuses root); default: ours.
 * @param {{ bin: string, args: string[], port: number, logFile: string, detached: boolean, tempDir: string,
 *   ready: (pid: number) => Promise<number | null>, user?: { uid?: number, gid?: number } }} spec
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, port: number }>}
 */
async function launch({ bin, args, port, logFile, detached, tempDir, ready, user = {} }) {
  const name = path.basename(bin);
  const where = port ? `port ${port}` : 'a random port';
  const hint = `(log: ${logFile})`;
  // Another server on our port would answer our probes and fake readiness.
  if (port && !(await isPortFree(port))) throw new Error(`${name}: port ${port} is already in use ${hint}`);

  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  let child;
  try {
    // detached: own process group, so it outlives this script and ignores the terminal's Ctrl-C.
    child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached, ...user });
  } finally {
    fs.closeSync(fd);
  }
  /** @type {string | null} */
  let exited = null;
  child.on('exit', (code, sig) => (exited = sig || `code ${code}`));
  child.on('error', (err) => (exited = err.message));
  if (!detached) {
    installExitHook();
    attached.add(child);
    child.on('exit', () => attached.delete(child));
    if (tempDirs.has(tempDir) && child.pid) writeOwner(tempDir, child.pid);
  }

  // On failure keep the temp dir holding the log, which the error message points to.
  const fail = (/** @type {string} */ msg) => {
    if (tempDirs.delete(tempDir)) fs.rmSync(path.join(tempDir, OWNER_FILE), { force: true });
    return new Error(msg);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw fail(`${name} exited (${exited}) before accepting connections on ${where} ${hint}: ${logTail(logFile)}`);
    const readyPort = child.pid ? await ready(child.pid) : null;
    if (readyPort && !exited) {
      if (detached) child.unref();
      return { child, port: readyPort };
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw fail(`${name} did not accept connections on ${where} within ${READY_TIMEOUT_MS / 1000} s ${hint}`);
    }
    await delay(POLL_MS);
  }
}

/**
 * Wraps a start function into a handle whose restart() reuses the port it first got.
 * @template {object} T
 * @param {(port: number) => Promise<{ child: import('node:child_process').ChildProcess, port: number }>} start
 * @param {number} port requested port, 0 = let start() choose
 * @param {(port: number) => T} describe fields that depend on the port (url, ...)
 */
async function supervise(start, port, describe) {
  let { child, port: actual } = await start(port);
  const handle = {
    ...describe(actual),
    port: actual,
    pid: /** @type {number} */ (child.pid),
    async stop() {
      await stopChild(child);
    },
    async restart() {
      await stopChild(child);
      ({ child } = await start(handle.port));
      handle.pid = /** @type {number} */ (child.pid);
    },
  };
  return handle;
}

module.exports = { makeTempDir, isAlive, cmdlineIncludes, stopPid, launch, supervise };
