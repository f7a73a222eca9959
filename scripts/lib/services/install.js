'use strict';
// Finding the servers' binaries, or installing them once with Go: nats-server
// >= 2.10, and mongod or FerretDB 1.x (our launcher in scripts/ferretdb).

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lastLine, say } = require('./common');

const NATS_SERVER_MODULE = 'github.com/nats-io/nats-server/v2';
const NATS_SERVER_VERSION = 'v2.11.12';
// Debian's nats-server 2.9 lacks JetStream features we rely on.
/** @type {[major: number, minor: number]} */
const NATS_MIN_VERSION = [2, 10];
const FERRETDB_VERSION = 'v1.24.2';

/** @typedef {'mongod' | 'ferretdb'} MongoKind */

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
  goBinCache = gobin || path.join(String(gopath).split(path.delimiter)[0] ?? '', 'bin');
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
  const src = path.join(__dirname, '..', '..', 'ferretdb');
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

module.exports = { NATS_SERVER_VERSION, FERRETDB_VERSION, findOrInstallNatsServer, findOrInstallMongo };
