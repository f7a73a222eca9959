'use strict';
// A throwaway PostgreSQL server on loopback, as the storage of FerretDB's
// postgresql backend. Why: FerretDB 1.x on SQLite evaluates every filter but
// `_id` equality in Go over the whole collection; on PostgreSQL it pushes
// equality on strings, ObjectIds, dates, booleans and integers down to SQL, so
// `find({ userId })` costs milliseconds instead of a collection scan (see
// scripts/bench/README.md). Debian's `postgresql` package provides it.
// Plain CommonJS with node: built-ins only, like services.js.

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 100;
/** The role FerretDB connects as; trust auth on loopback only, in a server nobody else knows about. */
const ROLE = 'ferretdb';

const delay = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The newest `/usr/lib/postgresql/<major>/bin` holding initdb and postgres, or PG_BIN_DIR. @returns {string | null} */
function findPostgresBinDir() {
  const has = (/** @type {string} */ dir) => ['initdb', 'postgres', 'pg_isready'].every((name) => fs.existsSync(path.join(dir, name)));
  if (process.env.PG_BIN_DIR) return has(process.env.PG_BIN_DIR) ? process.env.PG_BIN_DIR : null;
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const majors = fs
    .readdirSync(base)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const dir = path.join(base, major, 'bin');
    if (has(dir)) return dir;
  }
  return null;
}

/** Installs Debian's postgresql when missing; only as root with apt-get, else a clear error. @returns {string} */
function findOrInstallPostgres() {
  const found = findPostgresBinDir();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !fs.existsSync('/usr/bin/apt-get')) {
    throw new Error('PostgreSQL server not found (looked in /usr/lib/postgresql/*/bin and PG_BIN_DIR); install Debian\'s postgresql package, or use FERRETDB_BACKEND=sqlite');
  }
  process.stderr.write('services: installing PostgreSQL (Debian package postgresql, once)\n');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const installed = findPostgresBinDir();
  if (!installed) throw new Error('apt-get installed postgresql but no server binaries appeared under /usr/lib/postgresql');
  return installed;
}

/**
 * PostgreSQL will not run as root. As root we run it as Debian's `postgres`
 * system user (created by the package); otherwise as ourselves.
 * @returns {{ uid?: number, gid?: number }}
 */
function serverUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (/** @type {string} */ flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root, and PostgreSQL refuses root: the `postgres` user (from Debian\'s postgresql package) is missing');
  }
}

/** Last lines of a log file, for error messages. @param {string} file */
function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts a fresh PostgreSQL cluster in a temp dir on `port`, tuned like a
 * MongoDB default (acknowledged writes, journal flushed in the background:
 * synchronous_commit=off), and resolves once it accepts connections.
 * @param {{ port: number }} options
 * @returns {Promise<{ url: string, port: number, dataDir: string, logFile: string, stop(): Promise<void> }>}
 */
async function startPostgres({ port }) {
  const bin = findOrInstallPostgres();
  const user = serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-graph-postgres-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  if (user.uid !== undefined) fs.chownSync(dir, user.uid, /** @type {number} */ (user.gid));
  const asUser = { ...user, cwd: dir };
  try {
    execFileSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', ROLE, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { ...asUser, stdio: 'ignore' });
  } catch (error) {
    throw new Error(`initdb failed in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fd = fs.openSync(logFile, 'a');
  if (user.uid !== undefined) fs.fchownSync(fd, user.uid, /** @type {number} */ (user.gid));
  const args = ['-D', dataDir, '-p', String(port), '-k', dir, '-c', `listen_addresses=${HOST}`, '-c', 'synchronous_commit=off', '-c', 'max_connections=200'];
  const child = spawn(path.join(bin, 'postgres'), args, { ...asUser, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  /** @type {string | null} */
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal || `code ${code}`));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      // SIGINT is PostgreSQL's "fast shutdown": no waiting for clients.
      child.kill('SIGINT');
      const deadline = Date.now() + 10_000;
      while (!exited && Date.now() < deadline) await delay(POLL_MS);
      if (!exited) child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`postgres exited (${exited}) before accepting connections on port ${port} (log: ${logFile}): ${tail(logFile)}`);
    try {
      execFileSync(path.join(bin, 'pg_isready'), ['-q', '-h', HOST, '-p', String(port), '-U', ROLE], { stdio: 'ignore' });
      break;
    } catch {
      if (Date.now() > deadline) {
        // The temp dir stays, with the log the message points to.
        process.off('exit', killOnExit);
        child.kill('SIGKILL');
        throw new Error(`postgres did not accept connections on port ${port} within ${READY_TIMEOUT_MS / 1000} s (log: ${logFile})`);
      }
      await delay(POLL_MS);
    }
  }
  // FerretDB keeps every MongoDB database as a schema of this one database.
  return { url: `postgres://${ROLE}@${HOST}:${port}/postgres`, port, dataDir, logFile, stop };
}

module.exports = { findPostgresBinDir, startPostgres };
