import { generateKeyPairSync } from 'node:crypto';

/** An Ed25519 key pair in PEM, for development setups and tests. */
export function generateKeyPairPem(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, privateKey };
}
