import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, generateKeyPairPem, loadConfig } from '@profile-graph/core';
import { streamMaxAgeHours, subgraphConfigSchema } from './subgraphConfigSchema';
import { createUserNkey } from '../../../../scripts/lib/nkeys';

describe('loadConfig', () => {
  const { publicKey } = generateKeyPairPem();
  const { seed } = createUserNkey();
  const required = { VIEWER_PUBLIC_KEY: publicKey, NATS_NKEY_SEED: seed };

  it('applies defaults for what is optional', () => {
    const config = loadConfig(subgraphConfigSchema, required);
    expect(config.MONGODB_URI).toBe('mongodb://127.0.0.1:27017');
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.NODE_ENV).toBe('development');
  });

  it('gives every stream a max_age: defaults, overrides, and no unlimited domain stream', () => {
    expect(streamMaxAgeHours(loadConfig(subgraphConfigSchema, required))).toEqual({ IDENTITY: 720, HIRING: 720, CONSENT: 720, CONSENT_STATE: 0, CALLS: 168, PRIVACY: 720 });
    expect(streamMaxAgeHours(loadConfig(subgraphConfigSchema, { ...required, EVENT_STREAM_MAX_AGE_CALLS_HOURS: '24' })).CALLS).toBe(24);
    expect(() => loadConfig(subgraphConfigSchema, { ...required, EVENT_STREAM_MAX_AGE_IDENTITY_HOURS: '0' })).toThrow(/EVENT_STREAM_MAX_AGE_IDENTITY_HOURS .*expected a positive number of hours/);
    expect(() => loadConfig(subgraphConfigSchema, { ...required, EVENT_STREAM_MAX_AGE_PRIVACY_HOURS: '1e9' })).toThrow(/EVENT_STREAM_MAX_AGE_PRIVACY_HOURS/);
  });

  it('names every bad variable and the expected form, all at once', () => {
    let error: unknown;
    try {
      loadConfig(subgraphConfigSchema, { MONGODB_URI: 'http://wrong', NATS_URL: 'nats://ok:4222', STARTUP_TIMEOUT_MS: '-5' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/MONGODB_URI is invalid: expected a URL starting with mongodb:\/\//);
    expect(message).toMatch(/VIEWER_PUBLIC_KEY is missing/);
    expect(message).toMatch(/STARTUP_TIMEOUT_MS is invalid: expected a positive number/);
    expect(message).not.toMatch(/NATS_URL/);
  });

  it('accepts a comma-separated NATS cluster and names a bad member', () => {
    expect(loadConfig(subgraphConfigSchema, { ...required, NATS_URL: 'nats://a:4222,nats://b:4222' }).NATS_URL).toBe(
      'nats://a:4222,nats://b:4222',
    );
    expect(() => loadConfig(subgraphConfigSchema, { ...required, NATS_URL: 'nats://a:4222,http://b' })).toThrow(
      /NATS_URL is invalid: expected URLs starting with nats:\/\/ or tls:\/\//,
    );
  });

  it('accepts PEM keys with escaped newlines, as env files carry them', () => {
    const config = loadConfig(subgraphConfigSchema, { ...required, VIEWER_PUBLIC_KEY: publicKey.replace(/\n/g, '\\n') });
    expect(config.VIEWER_PUBLIC_KEY).toBe(publicKey);
  });

  it('reads NAME_FILE secrets and names an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(`${dir}/viewer.pem`, publicKey);
    expect(loadConfig(subgraphConfigSchema, { NATS_NKEY_SEED: seed, VIEWER_PUBLIC_KEY_FILE: `${dir}/viewer.pem` }).VIEWER_PUBLIC_KEY).toBe(publicKey);
    expect(() => loadConfig(subgraphConfigSchema, { VIEWER_PUBLIC_KEY_FILE: `${dir}/absent.pem` })).toThrow(
      /VIEWER_PUBLIC_KEY_FILE is invalid: cannot read .*absent\.pem \(ENOENT\)/,
    );
  });

  it('needs a NATS nkey seed, reads it from a file as keygen writes it, and never echoes a bad one', () => {
    expect(() => loadConfig(subgraphConfigSchema, { VIEWER_PUBLIC_KEY: publicKey })).toThrow(/NATS_NKEY_SEED is missing: expected a NATS user nkey seed/);
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(`${dir}/hiring.nk`, `${seed}\n`);
    expect(loadConfig(subgraphConfigSchema, { VIEWER_PUBLIC_KEY: publicKey, NATS_NKEY_SEED_FILE: `${dir}/hiring.nk` }).NATS_NKEY_SEED).toBe(seed);
    const wrong = `${seed.slice(0, -3)}!!!`;
    let message = '';
    try {
      loadConfig(subgraphConfigSchema, { VIEWER_PUBLIC_KEY: publicKey, NATS_NKEY_SEED: wrong });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/NATS_NKEY_SEED is invalid: expected a NATS user nkey seed/);
    expect(message).not.toContain(wrong.slice(0, 20));
  });
});
