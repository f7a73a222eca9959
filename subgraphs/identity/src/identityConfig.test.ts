import { randomBytes } from 'node:crypto';
import { generateKeyPairPem } from '@profile-graph/kit';
import { identitySecrets, loadIdentityConfig } from './identityConfig';
import { createUserNkey } from '../../../scripts/lib/nkeys';

const keys = generateKeyPairPem();
const base = { VIEWER_PUBLIC_KEY: keys.publicKey, SESSION_PRIVATE_KEY: keys.privateKey, NATS_NKEY_SEED: createUserNkey().seed };
const key = () => randomBytes(32).toString('base64');

describe('identity config: phone, biometric and verification settings', () => {
  it('fills in development stand-ins outside production', () => {
    const secrets = identitySecrets(loadIdentityConfig({ ...base, NODE_ENV: 'development' }));
    expect(secrets.verificationProvider).toBe('development');
    expect(secrets.phoneKeys.dev1).toHaveLength(32);
  });

  it('fails closed in production: every missing key named, and the stand-in provider refused', () => {
    expect(() => loadIdentityConfig({ ...base, NODE_ENV: 'production' })).toThrow(
      /PHONE_ENCRYPTION_KEYS[\s\S]*PHONE_ENCRYPTION_KEY_ID[\s\S]*BIOMETRIC_ENCRYPTION_KEYS[\s\S]*BIOMETRIC_ENCRYPTION_KEY_ID[\s\S]*PHONE_LOOKUP_KEY[\s\S]*VERIFICATION_PROVIDER/,
    );
    const complete = {
      ...base,
      NODE_ENV: 'production',
      PHONE_ENCRYPTION_KEYS: JSON.stringify({ p1: key(), p2: key() }),
      PHONE_ENCRYPTION_KEY_ID: 'p2',
      PHONE_LOOKUP_KEY: key(),
      BIOMETRIC_ENCRYPTION_KEYS: JSON.stringify({ b1: key() }),
      BIOMETRIC_ENCRYPTION_KEY_ID: 'b1',
      VERIFICATION_PROVIDER: 'http',
      VERIFICATION_PROVIDER_URL: 'https://verify.example.com',
    };
    expect(loadIdentityConfig(complete).PHONE_ENCRYPTION_KEYS!.p1).toHaveLength(32);
    expect(() => loadIdentityConfig({ ...complete, VERIFICATION_PROVIDER: 'development' })).toThrow(/VERIFICATION_PROVIDER is invalid: development is a stand-in/);
    expect(() => loadIdentityConfig({ ...complete, VERIFICATION_PROVIDER_URL: undefined })).toThrow(/VERIFICATION_PROVIDER_URL/);
    // The images travel to the provider: clear-text http is refused in production, allowed elsewhere (local fakes).
    expect(() => loadIdentityConfig({ ...complete, VERIFICATION_PROVIDER_URL: 'http://verify.example.com' })).toThrow(/VERIFICATION_PROVIDER_URL is invalid: must be an https:\/\/ URL in production/);
    expect(loadIdentityConfig({ ...base, VERIFICATION_PROVIDER: 'http', VERIFICATION_PROVIDER_URL: 'http://127.0.0.1:9999' }).VERIFICATION_PROVIDER_URL).toBe('http://127.0.0.1:9999');
  });

  it('destroys templates after verification unless told to keep them (BIPA: the purpose is then satisfied)', () => {
    expect(loadIdentityConfig(base).BIOMETRIC_DESTROY_AFTER_VERIFICATION).toBe(true);
    expect(loadIdentityConfig({ ...base, BIOMETRIC_DESTROY_AFTER_VERIFICATION: 'false' }).BIOMETRIC_DESTROY_AFTER_VERIFICATION).toBe(false);
    expect(() => loadIdentityConfig({ ...base, BIOMETRIC_RETENTION_DAYS: '1096' })).toThrow(/BIOMETRIC_RETENTION_DAYS/);
  });

  it('refuses malformed keys and a current key id that is not in the keyring', () => {
    expect(() => loadIdentityConfig({ ...base, PHONE_ENCRYPTION_KEYS: JSON.stringify({ p1: 'c2hvcnQ=' }), PHONE_ENCRYPTION_KEY_ID: 'p1' })).toThrow(/PHONE_ENCRYPTION_KEYS is invalid: expected a JSON object/);
    expect(() => loadIdentityConfig({ ...base, PHONE_ENCRYPTION_KEYS: JSON.stringify({ p1: key() }), PHONE_ENCRYPTION_KEY_ID: 'p9' })).toThrow(/PHONE_ENCRYPTION_KEY_ID is invalid: not a kid/);
    expect(() => loadIdentityConfig({ ...base, PHONE_LOOKUP_KEY: 'nope' })).toThrow(/PHONE_LOOKUP_KEY is invalid: expected a base64 32-byte key/);
  });
});
