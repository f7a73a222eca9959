#!/usr/bin/env node
// npm run nats:permissions: writes the README's permission table (between its
// markers) from scripts/lib/natsPermissions.js, the one table of who may say
// what on NATS. `--check` fails instead when the README is stale (the kit's
// natsPermissions test checks the same).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { permissionTableMarkdown } = require('./lib/natsPermissions.js');

const readmePath = path.join(root, 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const markers = /(<!-- nats-permissions:start -->\n)[\s\S]*?(\n<!-- nats-permissions:end -->)/;
if (!markers.test(readme)) {
  console.error('nats:permissions: README.md has no <!-- nats-permissions:start --> ... <!-- nats-permissions:end --> markers');
  process.exit(1);
}
const updated = readme.replace(markers, (_, start, end) => `${start}${permissionTableMarkdown()}${end}`);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('nats:permissions: the README table is stale; run npm run nats:permissions');
    process.exit(1);
  }
  console.log('nats:permissions: the README table matches scripts/lib/natsPermissions.js');
} else if (updated !== readme) {
  fs.writeFileSync(readmePath, updated);
  console.log('nats:permissions: README table updated');
} else {
  console.log('nats:permissions: README table already up to date');
}
