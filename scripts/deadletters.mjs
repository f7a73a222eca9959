#!/usr/bin/env node
// npm run deadletters [-- --service hiring] [--json]: lists what the services' consumers gave up on (their
// dead letters, subgraphs/kit/src/events/deadLetter.ts), as the admin role: no service may read another's.
// Each line is a reference: read the event itself on its stream by sequence while it is there
// (`nats stream get <STREAM> <seq>` as admin), fix the cause, and republish it or let it go.
// NATS_URL and NATS_NKEY_SEED (the admin seed) default to the dev services (.data/services, .data/keys/nats).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const serviceAt = argv.indexOf('--service');
const services = serviceAt >= 0 ? [argv[serviceAt + 1]] : undefined;

const readOr = (file, fallback) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};
const url = process.env.NATS_URL || JSON.parse(readOr(path.join(root, '.data', 'services', 'nats.json'), '{}')).url;
const seed = (process.env.NATS_NKEY_SEED || readOr(path.join(root, '.data', 'keys', 'nats', 'admin.nk'), '')).trim();
if (!url || !seed) {
  console.error('deadletters: set NATS_URL and NATS_NKEY_SEED (the admin role\'s seed), or start the dev services (npm run services:up)');
  process.exit(2);
}
let kit;
try {
  kit = require(path.join(root, 'subgraphs', 'kit', 'dist', 'index.js'));
} catch {
  console.error('deadletters: build the kit first (npm run build)');
  process.exit(2);
}
const nc = await kit.connectNats({ url, role: 'admin', nkeySeed: seed, name: 'deadletters', timeoutMs: 10_000 });
try {
  const records = await kit.listDeadLetters(nc, services ? { services } : {});
  if (argv.includes('--json')) console.log(JSON.stringify(records, null, 2));
  else if (records.length === 0) console.log('deadletters: none');
  else {
    for (const r of records) {
      const why = r.reason === 'invalid_payload' ? `issues ${(r.issues ?? []).join(',') || '-'}` : r.error ? `error ${r.error}` : '';
      console.log(`${r.deadLetteredAt}  ${r.service}/${r.durable}  ${r.stream}#${r.streamSequence}  ${r.type}  ${r.reason} after ${r.deliveries} ${why}`.trimEnd());
    }
    console.log(`deadletters: ${records.length}`);
  }
} finally {
  await nc.drain();
}
