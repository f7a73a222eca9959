'use strict';
// A MongoDB-wire server: mongod, else FerretDB 1.x on SQLite (or on a
// PostgreSQL of its own, FERRETDB_BACKEND=postgresql).

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { HOST } = require('./common');
const { findOrInstallMongo } = require('./install');
const { startPostgres } = require('./postgres');
const { getFreePort, probeMongo } = require('./probes');
const { launch, makeTempDir, supervise } = require('./supervision');

/**
 * @typedef {{ uri: string, port: number, pid: number, bin: string, kind: import('./install').MongoKind, backend: 'sqlite' | 'postgresql' | null, dataDir: string, logFile: string,
 *   stop(): Promise<void>, restart(): Promise<void> }} MongoHandle
 */

/**
 * FerretDB's storage: `sqlite` (default; nothing to install) or `postgresql` (filters pushed down to SQL, see postgresCluster.js).
 * @param {string | undefined} requested @returns {'sqlite' | 'postgresql'}
 */
function ferretDbBackend(requested) {
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

module.exports = { startMongo };
