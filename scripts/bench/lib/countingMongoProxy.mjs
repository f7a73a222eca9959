// A TCP proxy in front of the MongoDB-wire server that reads (never changes)
// the commands passing through: every OP_MSG a client sends is one command.
// Works the same for FerretDB and mongod, which serverStatus opcounters do not.
import net from 'node:net';
import { fromWorkspace, scriptLib } from './repoRequire.mjs';

const { getFreePort } = scriptLib('services.js');
const OP_MSG = 2013;

/** @param {string} upstreamUri a mongodb:// URI with a single host */
export async function startCountingMongoProxy(upstreamUri) {
  const { deserialize } = fromWorkspace('subgraphs/kit')('bson');
  const upstream = new URL(upstreamUri);
  if (upstream.protocol !== 'mongodb:' || upstream.host.includes(',')) throw new Error(`cannot proxy ${upstream.protocol}//… (needs mongodb:// with one host)`);
  let recording = null;
  const sockets = new Set();
  const server = net.createServer((client) => {
    const server = net.connect(Number(upstream.port || 27017), upstream.hostname);
    sockets.add(client).add(server);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      server.write(chunk);
      // Framing is followed all the time, so recording can start between any two messages.
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (recording && message.readInt32LE(12) === OP_MSG && message[20] === 0) {
          try {
            const doc = deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
            const name = Object.keys(doc)[0];
            recording.push({ db: doc.$db, name, target: typeof doc[name] === 'string' ? doc[name] : '', doc });
          } catch {
            recording.push({ db: '?', name: 'unparsed', target: '', doc: {} });
          }
        }
      }
    });
    server.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('error', close).on('close', close);
    server.on('error', close).on('close', close);
  });
  const port = await getFreePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const proxied = new URL(upstreamUri);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  proxied.searchParams.set('directConnection', 'true');
  return {
    uri: proxied.toString(),
    /** Runs fn and returns the commands sent to the server meanwhile. */
    async record(fn) {
      const seen = [];
      recording = seen;
      try {
        await fn();
      } finally {
        recording = null;
      }
      return seen;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
