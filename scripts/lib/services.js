'use strict';
// Local services for development and tests: NATS (with JetStream) and a
// MongoDB-compatible server (mongod, else FerretDB 1.x on SQLite).
// Plain CommonJS with node: built-ins only, so it works before `npm install`.
// See DESIGN.md, "Services for development and tests".

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { initPostgresCluster } = require('./postgres');
const { ensureNatsCredentials, freshNatsCredentials, publicKeysOf, renderNatsAuthorization } = require('./natsAuth');

const NATS_SERVER_MODULE = 'github.com/nats-io/nats-server/v2';
const NATS_SERVER_VERSION = 'v2.11.12';
// Debian's nats-server 2.9 lacks JetStream features we rely on.
const NATS_MIN_VERSION = [2, 10];
const FERRETDB_VERSION = 'v1.24.2';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 50;
const PROBE_TIMEOUT_MS = 1_000;
const DEV_PORTS = { nats: 4222, mongo: 27017 };

/**
 * @typedef {{ url: string, port: number, pid: number, bin: string, storeDir: string, logFile: string, credentials: import("./natsAuth").NatsCredentials,
 *   stop(): Promise<void>, restart(): Promise<void> }} NatsHandle
 * @typedef {{ uri: string, port: number, pid: number, bin: string, kind: MongoKind, backend: 'sqlite' | 'postgresql' | null, dataDir: string, logFile: string,
 *   stop(): Promise<void>, restart(): Promise<void> }} MongoHandle
 * @typedef {'mongod' | 'ferretdb'} MongoKind
 * @typedef {{ pid: number, port: number, url: string, bin: string, kind: string, logFile: string, startedAt: string, auth?: string }} ServiceRecord
 */

// ---------------------------------------------------------------- binaries

/** @param {string} msg */
function say(msg) {
  process.stderr.write(`services: ${msg}\n`);
}

/** @param {string} file */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** @param {string} name @returns {string | null} */
function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.resolve(dir, name);
  }
  return null;
}

/** Runs a command and returns its stdout, or null if it fails. @param {string} cmd @param {string[]} args */
function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch {
    return null;
  }
}

/** @param {string} text */
function lastLine(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] || '').slice(0, 300);
}

/** Runs go, returning stdout; failures become one line with go's last stderr line. @param {string[]} args @param {string} [cwd] */
function runGo(args, cwd) {
  try {
    return execFileSync('go', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = /** @type {{ stderr?: string, message: string }} */ (err);
    throw new Error(`\`go ${args.join(' ')}\` failed: ${lastLine(e.stderr || e.message)}`);
  }
}

/** @type {string | undefined} */
let goBinCache;
/** Where `go install` puts binaries: $GOBIN, else the first $GOPATH entry + /bin. */
function goBinDir() {
  if (goBinCache) return goBinCache;
  const out = onPath('go') ? tryRun('go', ['env', 'GOBIN', 'GOPATH']) : null;
  const [gobin, gopath] = out
    ? out.split('\n')
    : [process.env.GOBIN, process.env.GOPATH || path.join(os.homedir(), 'go')];
  goBinCache = gobin || path.join(String(gopath).split(path.delimiter)[0], 'bin');
  return goBinCache;
}

/** @param {string} bin */
function natsVersionOk(bin) {
  const m = /v?(\d+)\.(\d+)\.\d+/.exec(tryRun(bin, ['--version']) || '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > NATS_MIN_VERSION[0] || (major === NATS_MIN_VERSION[0] && minor >= NATS_MIN_VERSION[1]);
}

/** @type {string | undefined} */
let natsBinCache;
/**
 * Absolute path of a nats-server >= 2.10: PATH, then Go's bin dir, else `go install` it.
 * @returns {string}
 */
function findOrInstallNatsServer() {
  if (natsBinCache) return natsBinCache;
  const candidates = [onPath('nats-server'), path.join(goBinDir(), 'nats-server')];
  const found = candidates.find((bin) => bin && isExecutable(bin) && natsVersionOk(bin));
  if (found) return (natsBinCache = found);
  if (!onPath('go')) {
    throw new Error(
      `nats-server >= ${NATS_MIN_VERSION.join('.')} not found; install Go (https://go.dev/dl) and rerun, ` +
        `or set NATS_URL (apt's nats-server 2.9 is too old)`,
    );
  }
  say(`installing nats-server ${NATS_SERVER_VERSION} with \`go install\` (once, about a minute)`);
  runGo(['install', `${NATS_SERVER_MODULE}@${NATS_SERVER_VERSION}`]);
  return (natsBinCache = path.join(goBinDir(), 'nats-server'));
}

/** Our launcher's revision (3: GIN twins of btree indexes on PostgreSQL; 4: one catalog connection); an older build in Go's bin dir is rebuilt. */
const LAUNCHER_REVISION = 4;

/** FerretDB must be 1.x (2.x has no SQLite backend) and actually start (see installFerretDb). @param {string} bin */
function ferretDbWorks(bin) {
  const version = tryRun(bin, ['--version']) || '';
  if (!/version: v1\./.test(version)) return false;
  if (path.basename(bin) !== FERRETDB_LAUNCHER) return true;
  const revision = Number(/launcher revision (\d+)/.exec(version)?.[1] ?? 1);
  return revision >= LAUNCHER_REVISION;
}

/** Our launcher's binary name, so it never shadows or is shadowed by a real `ferretdb`. */
const FERRETDB_LAUNCHER = 'ferretdb-profile-graph';

/**
 * Builds scripts/ferretdb (our launcher embedding FerretDB 1.24.2 through its
 * public `ferretdb` package) into Go's bin dir.
 * Plain `go install .../cmd/ferretdb@v1.24.2` yields a binary that panics at startup
 * ("Invalid build/version/version.txt", FerretDB issue #2982): the module ships without that
 * generated file. Embedding the library skips that check and keeps the same engine, using
 * FerretDB only as a Go module dependency.
 * @returns {string} path of the built binary
 */
function installFerretDb() {
  say(`building ferretdb ${FERRETDB_VERSION} (scripts/ferretdb) with Go (once, about a minute)`);
  const src = path.join(__dirname, '..', 'ferretdb');
  const binDir = goBinDir();
  fs.mkdirSync(binDir, { recursive: true });
  // Build beside the target, then rename, so a concurrent reader never sees a half-written binary.
  const tmpBin = path.join(binDir, `.${FERRETDB_LAUNCHER}-${process.pid}.tmp`);
  runGo(['build', '-buildvcs=false', '-o', tmpBin, '.'], src);
  const bin = path.join(binDir, FERRETDB_LAUNCHER);
  fs.renameSync(tmpBin, bin);
  return bin;
}

/** @type {{ kind: MongoKind, path: string } | undefined} */
let mongoBinCache;
/**
 * A MongoDB-compatible server: mongod on PATH, else a working FerretDB 1.x, else build FerretDB with Go.
 * @returns {{ kind: MongoKind, path: string }}
 */
function findOrInstallMongo() {
  if (mongoBinCache) return mongoBinCache;
  const mongod = onPath('mongod');
  if (mongod) return (mongoBinCache = { kind: 'mongod', path: mongod });
  const candidates = [path.join(goBinDir(), FERRETDB_LAUNCHER), onPath(FERRETDB_LAUNCHER), onPath('ferretdb')];
  const found = candidates.find((bin) => bin && isExecutable(bin) && ferretDbWorks(bin));
  if (found) return (mongoBinCache = { kind: 'ferretdb', path: found });
  if (!onPath('go')) {
    throw new Error('neither mongod nor ferretdb found; install MongoDB or Go (https://go.dev/dl), or set MONGODB_URI');
  }
  return (mongoBinCache = { kind: 'ferretdb', path: installFerretDb() });
}

// ---------------------------------------------------------------- ports and probes

/** @param {number} ms */
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port that was free a moment ago (the OS picks it). @returns {Promise<number>} */
function getFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host: HOST, port: 0 }, () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} port @returns {Promise<boolean>} */
function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Connects, optionally writes `request`, and resolves with what was read once `enough(buf)`
 * holds; null on any error, close or timeout. Never rejects.
 * @param {string} host @param {number} port @param {Buffer | null} request
 * @param {(buf: Buffer) => boolean} enough
 * @returns {Promise<Buffer | null>}
 */
function exchange(host, port, request, enough) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    /** @param {Buffer | null} value */
    const done = (value) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), PROBE_TIMEOUT_MS);
    socket.on('connect', () => (request ? socket.write(request) : enough(buf) && done(buf)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (enough(buf)) done(buf);
    });
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
  });
}

/**
 * Resolves once host:port accepts TCP connections; rejects after timeoutMs.
 * @param {string} host @param {number} port @param {number} [timeoutMs]
 * @returns {Promise<void>}
 */
async function waitForPort(host, port, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await exchange(host, port, null, () => true))) {
    if (Date.now() > deadline) throw new Error(`nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await delay(POLL_MS);
  }
}

/** A NATS server greets every client with an INFO line. @param {number} port */
async function probeNats(port) {
  return (await natsInfo(port)) !== null;
}

/** The INFO a NATS server greets with, or null. @param {number} port @returns {Promise<{ auth_required?: boolean } | null>} */
async function natsInfo(port) {
  const buf = await exchange(HOST, port, null, (b) => b.includes('\r\n'));
  const line = buf?.toString('latin1').split('\r\n')[0] ?? '';
  if (!line.startsWith('INFO ')) return null;
  try {
    return JSON.parse(line.slice(5));
  } catch {
    return null;
  }
}

/** OP_MSG `{ ping: 1, $db: "admin" }`, built by hand to stay dependency-free. */
function mongoPingMessage() {
  const cstring = (/** @type {string} */ s) => Buffer.from(`${s}\0`, 'latin1');
  const int32 = (/** @type {number} */ n) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const elements = Buffer.concat([
    Buffer.from([0x10]), cstring('ping'), int32(1), // int32 ping: 1
    Buffer.from([0x02]), cstring('$db'), int32(6), cstring('admin'), // string $db: "admin"
  ]);
  const doc = Buffer.concat([int32(elements.length + 5), elements, Buffer.from([0])]);
  const body = Buffer.concat([int32(0) /* flagBits */, Buffer.from([0]) /* section kind 0 */, doc]);
  // header: messageLength, requestID, responseTo, opCode 2013 (OP_MSG)
  return Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(2013), body]);
}

/**
 * True when a real MongoDB wire ping succeeds. A bare TCP connect is not enough: mongod accepts
 * before it serves commands, and FerretDB logs a warning for every silent connection.
 * @param {number} port
 */
async function probeMongo(port) {
  const reply = await exchange(HOST, port, mongoPingMessage(), (b) => b.length >= 4 && b.length >= b.readInt32LE(0));
  if (!reply || reply.length < 21 || reply.readInt32LE(12) !== 2013) return false;
  // The reply is `{ ok: 1.0, ... }`; looking for the `ok` element's bytes beats a BSON parser here.
  const i = reply.indexOf(Buffer.from('\x01ok\x00', 'latin1'), 21);
  return i > 0 && reply.readDoubleLE(i + 4) === 1;
}

// ---------------------------------------------------------------- processes

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

// ---------------------------------------------------------------- NATS

/** Port from nats-server's `<exe>_<pid>.ports` file, or null while it is not (fully) written. @param {string} dir @param {number} pid */
function readPortsFile(dir, pid) {
  try {
    const file = fs.readdirSync(dir).find((f) => f.endsWith(`_${pid}.ports`));
    if (!file) return null;
    // e.g. {"nats":["nats://127.0.0.1:39955"], ...}
    const ports = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    return Number(new URL(ports.nats[0]).port) || null;
  } catch {
    return null;
  }
}

/**
 * Starts `nats-server -js` on 127.0.0.1. port 0 (default) lets the server pick one.
 * Always with the permission table's nkey users and nothing else: there is no
 * way to start an open server from here. Without `credentials` it mints fresh
 * ones (a test's or benchmark's server of its own) and returns them on the handle.
 * With `tls` every client must speak TLS to it (the URL is then tls://).
 * `clusterConfig` (from startNatsCluster) makes it one node of a cluster.
 * @param {{ port?: number, storeDir?: string, logFile?: string, detached?: boolean, credentials?: import('./natsAuth').NatsCredentials, tls?: { certFile: string, keyFile: string }, clusterConfig?: string }} [opts]
 * @returns {Promise<NatsHandle>}
 */
async function startNats(opts = {}) {
  const bin = findOrInstallNatsServer();
  const detached = Boolean(opts.detached);
  const tmp = !opts.storeDir || !opts.logFile ? makeTempDir('nats', !detached) : '';
  const storeDir = opts.storeDir ? path.resolve(opts.storeDir) : path.join(tmp, 'store');
  const logFile = opts.logFile ? path.resolve(opts.logFile) : path.join(tmp, 'nats.log');
  // The ports file carries the pid in its name, so sharing the log's dir is safe.
  const portsDir = path.dirname(logFile);
  fs.mkdirSync(storeDir, { recursive: true });
  const credentials = opts.credentials ?? freshNatsCredentials();
  // Public keys only: nothing in this file is a secret.
  const configFile = path.join(portsDir, `${path.basename(logFile, '.log')}-auth.conf`);
  const tls = opts.tls ? `tls {\n  cert_file: ${JSON.stringify(path.resolve(opts.tls.certFile))}\n  key_file: ${JSON.stringify(path.resolve(opts.tls.keyFile))}\n}\n` : '';
  fs.writeFileSync(configFile, renderNatsAuthorization(publicKeysOf(credentials)) + tls + (opts.clusterConfig ?? ''));

  /** @param {number} port */
  const start = (port) =>
    launch({
      bin,
      args: ['-c', configFile, '-js', '-a', HOST, '-p', String(port || -1), '-sd', storeDir, '--ports_file_dir', portsDir],
      port,
      logFile,
      detached,
      tempDir: tmp,
      ready: async (pid) => {
        const p = port || readPortsFile(portsDir, pid);
        return p && (await probeNats(p)) ? p : null;
      },
    });
  return supervise(start, opts.port || 0, (port) => ({ url: `${opts.tls ? 'tls' : 'nats'}://${HOST}:${port}`, bin, storeDir, logFile, credentials }));
}

/**
 * A JetStream cluster of `size` nats-servers on 127.0.0.1 (tests of node
 * failure), all with the same table and keys, and routes that authenticate
 * (a random route password), so nothing joins the cluster without it.
 * @param {{ size?: number, credentials?: import('./natsAuth').NatsCredentials }} [opts]
 * @returns {Promise<{ nodes: NatsHandle[], url: string, credentials: import('./natsAuth').NatsCredentials, stop(): Promise<void> }>}
 */
async function startNatsCluster(opts = {}) {
  const size = opts.size ?? 3;
  const credentials = opts.credentials ?? freshNatsCredentials();
  const routePorts = [];
  for (let i = 0; i < size; i += 1) routePorts.push(await getFreePort());
  const password = require('node:crypto').randomBytes(16).toString('hex');
  const routes = routePorts.map((port) => `    "nats://route:${password}@${HOST}:${port}"`).join('\n');
  const nodes = await Promise.all(
    routePorts.map((routePort, i) =>
      startNats({
        credentials,
        clusterConfig: `server_name: n${i + 1}\ncluster {\n  name: profile-graph-test\n  listen: ${HOST}:${routePort}\n  authorization { user: route, password: "${password}", timeout: 2 }\n  routes: [\n${routes}\n  ]\n}\n`,
      }),
    ),
  );
  return {
    nodes,
    url: nodes.map((node) => node.url).join(','),
    credentials,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

// ---------------------------------------------------------------- MongoDB / FerretDB

// ---------------------------------------------------------------- PostgreSQL (FerretDB's postgresql backend)

/**
 * Starts a throwaway PostgreSQL cluster on 127.0.0.1 for this process (see
 * postgres.js), in an owned temp dir: removed at exit, and killed with its dir
 * by the next run if this process dies first.
 * @returns {Promise<{ url: string, port: number, pid: number, stop(): Promise<void>, restart(): Promise<void> }>}
 */
async function startPostgres() {
  const tmp = makeTempDir('postgres', true);
  const cluster = initPostgresCluster(tmp);
  const logFile = path.join(tmp, 'postgres.log');
  /** @param {number} port */
  const start = (port) =>
    launch({ bin: cluster.bin, args: cluster.args(port), port, logFile, detached: false, tempDir: tmp, user: cluster.user, ready: async () => (cluster.isReady(port) ? port : null) });
  return supervise(start, await getFreePort(), (port) => ({ url: cluster.url(port) }));
}

/** FerretDB's storage: `sqlite` (default; nothing to install) or `postgresql` (filters pushed down to SQL, see postgres.js). */
function ferretDbBackend(/** @type {string | undefined} */ requested) {
  const backend = requested ?? process.env.FERRETDB_BACKEND ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgresql') throw new Error(`FERRETDB_BACKEND must be sqlite or postgresql, got ${JSON.stringify(backend)}`);
  return backend;
}

/**
 * Starts mongod or FerretDB on 127.0.0.1. port 0 (default) picks a free port.
 * FerretDB stores in SQLite, or with backend 'postgresql' (or FERRETDB_BACKEND=postgresql)
 * in a PostgreSQL server of its own, started here and stopped with it (attached only).
 * @param {{ port?: number, dataDir?: string, logFile?: string, detached?: boolean, backend?: 'sqlite' | 'postgresql' }} [opts]
 * @returns {Promise<MongoHandle>}
 */
async function startMongo(opts = {}) {
  const { kind, path: bin } = findOrInstallMongo();
  const backend = kind === 'ferretdb' ? ferretDbBackend(opts.backend) : null;
  if (backend === 'postgresql' && opts.detached) throw new Error('FERRETDB_BACKEND=postgresql is for attached servers (tests, benchmarks); long-running dev services use sqlite');
  const postgres = backend === 'postgresql' ? await startPostgres() : null;
  const detached = Boolean(opts.detached);
  const tmp = !opts.dataDir || !opts.logFile ? makeTempDir('mongo', !detached) : '';
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : path.join(tmp, 'data');
  const logFile = opts.logFile ? path.resolve(opts.logFile) : path.join(tmp, `${kind}.log`);
  fs.mkdirSync(dataDir, { recursive: true });

  /** @param {number} port */
  const args = (port) =>
    kind === 'mongod'
      ? ['--dbpath', dataDir, '--port', String(port), '--bind_ip', HOST]
      : [
          `--listen-addr=${HOST}:${port}`,
          ...(postgres
            ? ['--handler=postgresql', `--postgresql-url=${postgres.url}`]
            : // must be a file: URL of an existing directory ending in "/"
              ['--handler=sqlite', `--sqlite-url=${pathToFileURL(dataDir + path.sep).href}`]),
          `--state-dir=${dataDir}`,
          '--telemetry=disable',
          '--log-level=warn',
          // the default 127.0.0.1:8088 debug listener would clash between parallel instances
          '--debug-addr=-',
        ];
  /** @param {number} port */
  const start = async (port) =>
    launch({
      bin,
      args: args(port),
      port,
      logFile,
      detached,
      tempDir: tmp,
      ready: async () => ((await probeMongo(port)) ? port : null),
    });
  const port = opts.port || (await getFreePort());
  let handle;
  try {
    handle = await supervise(start, port, (p) => ({ uri: `mongodb://${HOST}:${p}`, kind, backend, bin, dataDir, logFile }));
  } catch (error) {
    await postgres?.stop();
    throw error;
  }
  if (postgres) {
    const stopFerretDb = handle.stop;
    handle.stop = async () => {
      await stopFerretDb();
      await postgres.stop();
    };
  }
  return handle;
}

// ---------------------------------------------------------------- long-running dev services

/** @param {string} root */
const servicesDir = (root) => path.join(root, '.data', 'services');
/** @param {string} root @param {string} name */
const recordFile = (root, name) => path.join(servicesDir(root), `${name}.json`);

/** @param {string} root @param {string} name @returns {ServiceRecord | null} */
function readRecord(root, name) {
  try {
    return JSON.parse(fs.readFileSync(recordFile(root, name), 'utf8'));
  } catch {
    return null;
  }
}

/** Alive and (where /proc exists) still running the recorded binary, not a recycled pid. @param {ServiceRecord} rec */
function isRecordedProcess(rec) {
  if (!isAlive(rec.pid)) return false;
  return process.platform !== 'linux' || cmdlineIncludes(rec.pid, path.basename(rec.bin));
}

/** @param {string} name @param {ServiceRecord} rec */
async function isRecordLive(name, rec) {
  if (!isRecordedProcess(rec)) return false;
  return name === 'nats' ? probeNats(rec.port) : probeMongo(rec.port);
}

/**
 * Reuses the recorded service if it still answers, else starts one detached.
 * @param {string} root @param {'nats' | 'mongo'} name @param {string[]} started
 */
async function ensureDevService(root, name, started) {
  const rec = readRecord(root, name);
  const credentials = name === 'nats' ? devNatsCredentials(root) : undefined;
  const fingerprint = credentials ? authFingerprint(credentials) : undefined;
  if (rec && (await isRecordLive(name, rec))) {
    // A NATS left by an older checkout may be open, or know other keys: ours, so replace it.
    if (name !== 'nats' || (rec.auth === fingerprint && (await natsInfo(rec.port))?.auth_required === true)) return rec.url;
    say('restarting the dev NATS: it was started without this permission table and these keys');
    await stopPid(rec.pid);
  }

  const logFile = path.join(servicesDir(root), `${name}.log`);
  const port = (await isPortFree(DEV_PORTS[name])) ? DEV_PORTS[name] : 0;
  const h =
    name === 'nats'
      ? await startNats({ port, storeDir: path.join(root, '.data', 'nats'), logFile, detached: true, credentials })
      : await startMongo({ port, dataDir: path.join(root, '.data', 'mongo'), logFile, detached: true });
  const url = 'url' in h ? h.url : h.uri;
  /** @type {ServiceRecord} */
  const record = {
    pid: h.pid,
    port: h.port,
    url,
    bin: h.bin,
    kind: 'kind' in h ? h.kind : 'nats-server',
    logFile,
    startedAt: new Date().toISOString(),
    ...(fingerprint ? { auth: fingerprint } : {}),
  };
  const file = recordFile(root, name);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  started.push(name);
  return url;
}

/** The dev services' NATS keys, one seed per role under .data/keys/nats (0600). @param {string} root */
const devNatsCredentials = (root) => ensureNatsCredentials(path.join(root, '.data', 'keys', 'nats'));

/** Which table and keys a running server was configured with. @param {import('./natsAuth').NatsCredentials} credentials */
const authFingerprint = (credentials) =>
  require('node:crypto').createHash('sha256').update(renderNatsAuthorization(publicKeysOf(credentials))).digest('hex').slice(0, 16);

/**
 * Services for the long-running dev setup: MONGODB_URI / NATS_URL when set, else running
 * services recorded under <root>/.data/services, else starts them detached.
 * @param {{ root: string }} opts
 * @returns {Promise<{ mongoUri: string, natsUrl: string, started: string[] }>}
 */
async function ensureDevServices({ root }) {
  /** @type {string[]} */
  const started = [];
  fs.mkdirSync(servicesDir(root), { recursive: true });
  const natsUrl = process.env.NATS_URL || (await ensureDevService(root, 'nats', started));
  const mongoUri = process.env.MONGODB_URI || (await ensureDevService(root, 'mongo', started));
  return { mongoUri, natsUrl, started };
}

/**
 * Stops the services recorded by ensureDevServices and removes their records (data is kept).
 * @param {{ root: string }} opts
 * @returns {Promise<{ stopped: string[] }>}
 */
async function stopDevServices({ root }) {
  /** @type {string[]} */
  const stopped = [];
  for (const name of ['nats', 'mongo']) {
    const rec = readRecord(root, name);
    if (!rec) continue;
    if (isRecordedProcess(rec)) {
      await stopPid(rec.pid);
      stopped.push(name);
    }
    fs.rmSync(recordFile(root, name), { force: true });
  }
  return { stopped };
}

/**
 * What `services status` reports, per service.
 * @param {{ root: string }} opts
 * @returns {Promise<Record<'nats' | 'mongo', { state: 'env' | 'running' | 'stopped', url?: string, pid?: number, kind?: string, logFile?: string }>>}
 */
async function devServicesStatus({ root }) {
  const env = { nats: process.env.NATS_URL, mongo: process.env.MONGODB_URI };
  /** @type {any} */
  const result = {};
  for (const name of /** @type {const} */ (['nats', 'mongo'])) {
    const rec = readRecord(root, name);
    if (env[name]) result[name] = { state: 'env', url: env[name] };
    else if (rec && (await isRecordLive(name, rec))) result[name] = { state: 'running', ...rec };
    else result[name] = { state: 'stopped' };
  }
  return result;
}

module.exports = {
  NATS_SERVER_VERSION,
  FERRETDB_VERSION,
  findOrInstallNatsServer,
  findOrInstallMongo,
  startNats,
  startNatsCluster,
  devNatsCredentials,
  startMongo,
  ensureDevServices,
  stopDevServices,
  devServicesStatus,
  getFreePort,
  waitForPort,
};
