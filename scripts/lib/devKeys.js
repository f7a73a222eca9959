'use strict';
// Development signing keys, made once under .data/keys (git-ignored).
// Production supplies its own through the environment.
const { generateKeyPairSync } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** @param {string} dir @param {string} name */
function keyPair(dir, name) {
  const pub = path.join(dir, `${name}.public.pem`);
  const priv = path.join(dir, `${name}.private.pem`);
  if (!fs.existsSync(pub) || !fs.existsSync(priv)) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    fs.writeFileSync(priv, privateKey, { mode: 0o600 });
    fs.writeFileSync(pub, publicKey);
  }
  return { publicKey: fs.readFileSync(pub, 'utf8'), privateKey: fs.readFileSync(priv, 'utf8') };
}

/**
 * @param {string} dir where the PEM files live
 * @param {{ readableByAll?: boolean }} [options] for a container volume whose
 *   services run as another (unprivileged) user than the one writing the keys
 */
function ensureDevKeysIn(dir, options = {}) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = { viewer: keyPair(dir, 'viewer'), session: keyPair(dir, 'session') };
  if (options.readableByAll) {
    fs.chmodSync(dir, 0o755);
    for (const file of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, file), 0o644);
  }
  return keys;
}

/** @param {string} root the repository root */
const ensureDevKeys = (root) => ensureDevKeysIn(path.join(root, '.data', 'keys'));

module.exports = { ensureDevKeys, ensureDevKeysIn };
