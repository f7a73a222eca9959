'use strict';
// Development signing keys, made once under .data/keys (git-ignored).
// Production supplies its own through the environment.
const { createHash, generateKeyPairSync, randomBytes } = require('node:crypto');
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

/** A random 32-byte key in base64, written once to `file`. @param {string} file */
function symmetricKey(file) {
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Identity's encryption keys (phone numbers, biometric templates, phone
 * lookups), generated once beside the signing keys, as identity's
 * environment. Keyrings are JSON (kid -> key) so keys can rotate.
 * @param {string} dir
 */
function identitySecretsEnv(dir) {
  const phone = symmetricKey(path.join(dir, 'phone-encryption.key'));
  const biometric = symmetricKey(path.join(dir, 'biometric-encryption.key'));
  const lookup = symmetricKey(path.join(dir, 'phone-lookup.key'));
  for (const [name, key] of [['phone-keys.json', phone], ['biometric-keys.json', biometric]]) {
    fs.writeFileSync(path.join(dir, name), JSON.stringify({ k1: key }), { mode: 0o600 });
  }
  return {
    PHONE_ENCRYPTION_KEYS: JSON.stringify({ k1: phone }),
    PHONE_ENCRYPTION_KEY_ID: 'k1',
    BIOMETRIC_ENCRYPTION_KEYS: JSON.stringify({ k1: biometric }),
    BIOMETRIC_ENCRYPTION_KEY_ID: 'k1',
    PHONE_LOOKUP_KEY: lookup,
  };
}

/** A random operator token, written once to `file` (0600), and its SHA-256 for OPERATOR_TOKEN_SHA256. @param {string} file */
function operatorToken(file) {
  const token = symmetricKey(file);
  return { token, file, sha256: createHash('sha256').update(token).digest('hex') };
}

/** @param {string} dir where the keys live (0700; private keys 0600) */
function ensureDevKeysIn(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    viewer: keyPair(dir, 'viewer'),
    session: keyPair(dir, 'session'),
    identitySecrets: identitySecretsEnv(dir),
    // Keys the training feed's pseudonyms (hiring); production refuses to run without one.
    hiringSecrets: { TRAINING_PSEUDONYM_KEY: symmetricKey(path.join(dir, 'training-pseudonym.key')) },
    // The development operator's token (x-operator-token): the gateway gets only its SHA-256.
    operator: operatorToken(path.join(dir, 'operator.token')),
  };
}

/** @param {string} root the repository root */
const ensureDevKeys = (root) => ensureDevKeysIn(path.join(root, '.data', 'keys'));

module.exports = { ensureDevKeys, ensureDevKeysIn };
