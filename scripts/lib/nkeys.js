'use strict';
// NATS user nkeys (Ed25519) with node:crypto only, so services.js can mint
// them before `npm install`. Encoding as in github.com/nats-io/nkeys:
// base32 (RFC 4648, no padding) of prefix byte(s) + 32-byte key + CRC-16/XMODEM (little endian).
// nkeys.test.ts checks these against the nkeys.js package that nats ships.
const { createPrivateKey, createPublicKey, generateKeyPairSync } = require('node:crypto');

const PREFIX_SEED = 18 << 3; // 'S'
const PREFIX_USER = 20 << 3; // 'U'
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// PKCS8 / SPKI DER prefixes of an Ed25519 key, followed by the raw 32 bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** @param {Buffer} bytes */
function crc16(bytes) {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** @param {Buffer} bytes */
function base32(bytes) {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** @param {string} text */
function unbase32(text) {
  const out = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error('not an nkey: invalid base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** @param {Buffer} payload */
function withChecksum(payload) {
  const sum = Buffer.alloc(2);
  sum.writeUInt16LE(crc16(payload));
  return base32(Buffer.concat([payload, sum]));
}

/** @param {Buffer} rawSeed 32 bytes */
function encodeUserSeed(rawSeed) {
  return withChecksum(Buffer.concat([Buffer.from([PREFIX_SEED | (PREFIX_USER >> 5), (PREFIX_USER & 31) << 3]), rawSeed]));
}

/** @param {Buffer} rawPublic 32 bytes */
function encodeUserPublic(rawPublic) {
  return withChecksum(Buffer.concat([Buffer.from([PREFIX_USER]), rawPublic]));
}

/** The raw 32-byte Ed25519 seed of a user seed (`SU...`); throws on anything else. @param {string} seed */
function decodeUserSeed(seed) {
  const raw = unbase32(seed.trim());
  if (raw.length !== 36) throw new Error('not an nkey seed: wrong length');
  if (raw.readUInt16LE(34) !== crc16(raw.subarray(0, 34))) throw new Error('not an nkey seed: bad checksum');
  if ((raw[0] & 0xf8) !== PREFIX_SEED || (((raw[0] & 7) << 5) | ((raw[1] & 0xf8) >> 3)) !== PREFIX_USER) throw new Error('not a user nkey seed');
  return raw.subarray(2, 34);
}

/** The user's public nkey (`U...`, what the server config holds) for a seed. @param {string} seed */
function publicKeyFromSeed(seed) {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, decodeUserSeed(seed)]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return encodeUserPublic(Buffer.from(String(jwk.x), 'base64url'));
}

/** A fresh user nkey: the seed is the secret, the public key goes into the server config. */
function createUserNkey() {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = encodeUserSeed(Buffer.from(String(jwk.d), 'base64url'));
  return { seed, publicKey: encodeUserPublic(Buffer.from(String(jwk.x), 'base64url')) };
}

module.exports = { createUserNkey, publicKeyFromSeed };
