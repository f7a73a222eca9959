'use strict';
// A throwaway PostgreSQL cluster on loopback, as the storage of FerretDB's
// postgresql backend. Why: FerretDB 1.x on SQLite evaluates every filter but
// `_id` equality in Go over the whole collection; on PostgreSQL it pushes
// equality on strings, ObjectIds, dates, booleans and integers down to SQL, so
// `find({ userId })` costs milliseconds instead of a collection scan (README,
// "Choices"). Debian's `postgresql` package provides it. This file prepares the
// cluster; postgres.js runs it like the other servers (launch, supervise).
// Plain CommonJS with node: built-ins only, like the rest of the dev services.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const HOST = '127.0.0.1';
/** The role FerretDB connects as; trust auth on loopback only, in a server nobody else knows about. */
const ROLE = 'ferretdb';

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

/**
 * Creates a fresh cluster in `dir` (a temp dir of the caller's) and says how
 * to run it: tuned like a MongoDB default (acknowledged writes, journal
 * flushed in the background: synchronous_commit=off).
 * @param {string} dir
 * @returns {{ bin: string, user: { uid?: number, gid?: number }, args: (port: number) => string[], isReady: (port: number) => boolean, url: (port: number) => string }}
 */
function initPostgresCluster(dir) {
  const bin = findOrInstallPostgres();
  const user = serverUser();
  const dataDir = path.join(dir, 'data');
  if (user.uid !== undefined) fs.chownSync(dir, user.uid, /** @type {number} */ (user.gid));
  try {
    execFileSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', ROLE, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { ...user, cwd: dir, stdio: 'ignore' });
  } catch (error) {
    throw new Error(`initdb failed in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    bin: path.join(bin, 'postgres'),
    user,
    args: (port) => ['-D', dataDir, '-p', String(port), '-k', dir, '-c', `listen_addresses=${HOST}`, '-c', 'synchronous_commit=off', '-c', 'max_connections=200'],
    // Accepting TCP is not enough: PostgreSQL answers "starting up" for a while; pg_isready knows.
    isReady: (port) => {
      try {
        execFileSync(path.join(bin, 'pg_isready'), ['-q', '-h', HOST, '-p', String(port), '-U', ROLE], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    },
    // FerretDB keeps every MongoDB database as a schema of this one database.
    url: (port) => `postgres://${ROLE}@${HOST}:${port}/postgres`,
  };
}

module.exports = { findPostgresBinDir, initPostgresCluster };
