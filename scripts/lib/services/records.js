'use strict';
// The long-running dev services (`npm run services:up`, `npm start`): started
// detached, recorded under <root>/.data/services, reused while they answer.

const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ensureNatsCredentials, publicKeysOf, renderNatsAuthorization } = require('../natsAuth');
const { say } = require('./common');
const { startMongo } = require('./mongo');
const { startNats } = require('./nats');
const { isPortFree, natsInfo, probeMongo, probeNats } = require('./probes');
const { cmdlineIncludes, isAlive, stopPid } = require('./supervision');

const DEV_PORTS = { nats: 4222, mongo: 27017 };

/** @typedef {{ pid: number, port: number, url: string, bin: string, kind: string, logFile: string, startedAt: string, auth?: string }} ServiceRecord */

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

/** Which table and keys a running server was configured with. @param {import('../natsAuth').NatsCredentials} credentials */
const authFingerprint = (credentials) =>
  createHash('sha256').update(renderNatsAuthorization(publicKeysOf(credentials))).digest('hex').slice(0, 16);

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

module.exports = { devNatsCredentials, ensureDevServices, stopDevServices, devServicesStatus };
