'use strict';
// Ports and readiness probes: a free port, a port that accepts connections,
// a NATS server that greets, a MongoDB-wire server that answers a ping.

const net = require('node:net');
const { HOST, POLL_MS, PROBE_TIMEOUT_MS, READY_TIMEOUT_MS, delay } = require('./common');

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

module.exports = { getFreePort, isPortFree, waitForPort, probeNats, natsInfo, probeMongo };
