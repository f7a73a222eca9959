'use strict';
// nats-server with JetStream, always with the permission table's nkey users
// (scripts/lib/natsPermissions.js), alone or as a cluster.

const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { freshNatsCredentials, publicKeysOf, renderNatsAuthorization } = require('../natsAuth');
const { HOST } = require('./common');
const { findOrInstallNatsServer } = require('./install');
const { getFreePort, probeNats } = require('./probes');
const { launch, makeTempDir, supervise } = require('./supervision');

/**
 * @typedef {{ url: string, port: number, pid: number, bin: string, storeDir: string, logFile: string, credentials: import("../natsAuth").NatsCredentials,
 *   stop(): Promise<void>, restart(): Promise<void> }} NatsHandle
 */

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
 * @param {{ port?: number, storeDir?: string, logFile?: string, detached?: boolean, credentials?: import('../natsAuth').NatsCredentials, tls?: { certFile: string, keyFile: string }, clusterConfig?: string }} [opts]
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
 * @param {{ size?: number, credentials?: import('../natsAuth').NatsCredentials }} [opts]
 * @returns {Promise<{ nodes: NatsHandle[], url: string, credentials: import('../natsAuth').NatsCredentials, stop(): Promise<void> }>}
 */
async function startNatsCluster(opts = {}) {
  const size = opts.size ?? 3;
  const credentials = opts.credentials ?? freshNatsCredentials();
  const routePorts = [];
  for (let i = 0; i < size; i += 1) routePorts.push(await getFreePort());
  const password = randomBytes(16).toString('hex');
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

module.exports = { startNats, startNatsCluster };
