#!/usr/bin/env node
// Dev services: node scripts/services.mjs up|down|status
//   up      start (or reuse) NATS and MongoDB/FerretDB; prints MONGODB_URI=... and NATS_URL=... on stdout
//   down    stop what `up` started (data under .data/ is kept)
//   status  show each service; exit code 3 when one is not running
// Exit codes: 0 ok, 1 failure, 2 usage, 3 (status) not running.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import services from './lib/services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const command = process.argv[2];

async function main() {
  switch (command) {
    case 'up': {
      const { mongoUri, natsUrl, started } = await services.ensureDevServices({ root });
      // stdout carries only KEY=VALUE lines so it can be sourced or written to .env
      process.stdout.write(`MONGODB_URI=${mongoUri}\nNATS_URL=${natsUrl}\n`);
      process.stderr.write(
        `services: ${started.length ? `started ${started.join(', ')}` : 'nothing to start'}` +
          ` (logs in ${path.relative(process.cwd(), path.join(root, '.data', 'services')) || '.'})\n`,
      );
      return 0;
    }
    case 'down': {
      const { stopped } = await services.stopDevServices({ root });
      process.stderr.write(`services: ${stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running'}\n`);
      return 0;
    }
    case 'status': {
      const status = await services.devServicesStatus({ root });
      let allUp = true;
      for (const [name, s] of Object.entries(status)) {
        if (s.state === 'stopped') allUp = false;
        const detail = s.state === 'running' ? ` ${s.url} (pid ${s.pid}, ${s.kind}, log ${s.logFile})` : s.url ? ` ${s.url}` : '';
        process.stdout.write(`${name}: ${s.state === 'env' ? 'from environment' : s.state}${detail}\n`);
      }
      return allUp ? 0 : 3;
    }
    default:
      process.stderr.write('usage: node scripts/services.mjs up|down|status\n');
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`services: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
