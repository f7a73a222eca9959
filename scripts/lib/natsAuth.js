'use strict';
// NATS credentials per role (nkeys) and the nats-server authorization block
// generated from the permission table. Plain CommonJS, node: built-ins only.
//
// Why nkeys rather than passwords: the server config holds only public keys
// (nothing in it is a secret, so it may sit in a config map or the repo's
// compose volume), and the client proves itself by signing the server's
// nonce, so no secret crosses the wire even before TLS is on.
const fs = require('node:fs');
const path = require('node:path');
const { createUserNkey, publicKeyFromSeed } = require('./nkeys');
const { ROLES, serverPermissions } = require('./natsPermissions');

/** @typedef {import('./natsPermissions').NatsRole} NatsRole */
/** @typedef {Record<NatsRole, { seed: string, publicKey: string }>} NatsCredentials */

/** New keys for every role, in memory (tests, bench, soak: a server of their own). @returns {NatsCredentials} */
function freshNatsCredentials() {
  return /** @type {NatsCredentials} */ (Object.fromEntries(ROLES.map((role) => [role, createUserNkey()])));
}

/**
 * Each role's seed in `<dir>/<role>.nk`, created once, readable by the owner
 * only (0600, directory 0700), like the other development keys.
 * @param {string} dir @returns {NatsCredentials}
 */
function ensureNatsCredentials(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  /** @type {Partial<NatsCredentials>} */
  const credentials = {};
  for (const role of ROLES) {
    const file = path.join(dir, `${role}.nk`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, `${createUserNkey().seed}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    const seed = fs.readFileSync(file, 'utf8').trim();
    credentials[role] = { seed, publicKey: publicKeyFromSeed(seed) };
  }
  return /** @type {NatsCredentials} */ (credentials);
}

/**
 * The `authorization` block for nats-server: one nkey user per role with its
 * permissions, no `no_auth_user`, so a connection without a key is refused.
 * @param {Record<NatsRole, string>} publicKeys role -> public nkey (U...)
 */
function renderNatsAuthorization(publicKeys) {
  const users = ROLES.map((role) => {
    const key = publicKeys[role];
    if (!/^U[A-Z2-7]{55}$/.test(key ?? '')) throw new Error(`no public nkey for NATS role ${role}`);
    return `    # ${role}\n    { nkey: ${JSON.stringify(key)}, permissions: ${JSON.stringify(serverPermissions(role))} }`;
  });
  return `# Generated from scripts/lib/natsPermissions.js; do not edit by hand.\nauthorization {\n  timeout: 2\n  users: [\n${users.join('\n')}\n  ]\n}\n`;
}

/** @param {NatsCredentials} credentials */
const publicKeysOf = (credentials) =>
  /** @type {Record<NatsRole, string>} */ (Object.fromEntries(ROLES.map((role) => [role, credentials[role].publicKey])));

module.exports = { freshNatsCredentials, ensureNatsCredentials, renderNatsAuthorization, publicKeysOf };
