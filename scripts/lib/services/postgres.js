'use strict';
// FerretDB's postgresql backend: a throwaway PostgreSQL of this process's own
// (postgresCluster.js prepares it; it runs like the other servers).

const path = require('node:path');
const { getFreePort } = require('./probes');
const { initPostgresCluster } = require('./postgresCluster');
const { launch, makeTempDir, supervise } = require('./supervision');

/**
 * Starts a throwaway PostgreSQL cluster on 127.0.0.1 for this process (see
 * postgresCluster.js), in an owned temp dir: removed at exit, and killed with its dir
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

module.exports = { startPostgres };
