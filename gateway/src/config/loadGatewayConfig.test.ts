import { availableParallelism } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, generateKeyPairPem } from '@profile-graph/core';
import { DEFAULT_SUPERGRAPH_PATH, loadGatewayConfig } from './loadGatewayConfig';

const viewer = generateKeyPairPem();
const session = generateKeyPairPem();
const supergraph = join(mkdtempSync(join(tmpdir(), 'gateway-config-')), 'supergraph.graphql');
writeFileSync(supergraph, 'type Query { a: String }');

const valid = {
  VIEWER_PRIVATE_KEY: viewer.privateKey,
  SESSION_PUBLIC_KEY: session.publicKey,
  SUPERGRAPH_PATH: supergraph,
};

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadGatewayConfig', () => {
  it('requires NATS in production (revocations fail closed) and reads REVOCATIONS_STALE_AFTER_MS', () => {
    expect(configError(() => loadGatewayConfig([], { ...valid, NODE_ENV: 'production' }))).toMatch(/NATS_URL is missing: in production the gateway needs NATS for revocations/);
    expect(loadGatewayConfig([], valid).revocationsStaleAfterMs).toBe(3_000);
    expect(loadGatewayConfig([], { ...valid, REVOCATIONS_STALE_AFTER_MS: '500' }).revocationsStaleAfterMs).toBe(500);
  });

  it('applies defaults', () => {
    const config = loadGatewayConfig([], valid);
    expect(config).toMatchObject({
      nodeEnv: 'development',
      logLevel: 'info',
      host: '127.0.0.1',
      port: 4000,
      supergraphPath: supergraph,
      sessionPublicKeys: { k1: session.publicKey },
      subgraphUrls: {},
      upstreamTimeoutMs: 10_000,
    });
  });

  it('defaults the supergraph to schema/supergraph.graphql at the repo root', () => {
    expect(DEFAULT_SUPERGRAPH_PATH).toMatch(/[/\\]schema[/\\]supergraph\.graphql$/);
    expect(DEFAULT_SUPERGRAPH_PATH).not.toMatch(/gateway[/\\]schema/);
  });

  it('lets CLI flags win over the environment', () => {
    const config = loadGatewayConfig(['--port', '5001', `--supergraph=${supergraph}`], { ...valid, PORT: '4999', SUPERGRAPH_PATH: '/nope' });
    expect(config.port).toBe(5001);
    expect(config.supergraphPath).toBe(supergraph);
  });

  it('reads subgraph URL overrides by upper-cased name', () => {
    const config = loadGatewayConfig([], { ...valid, SUBGRAPH_IDENTITY_URL: 'http://identity:4001/graphql', SUBGRAPH_USER_PROFILE_URL: 'https://p/graphql' });
    expect(config.subgraphUrls).toEqual({ IDENTITY: 'http://identity:4001/graphql', USER_PROFILE: 'https://p/graphql' });
  });

  it('accepts a key set for session key rotation, with escaped newlines', () => {
    const keys = { old: session.publicKey, new: viewer.publicKey.replace(/\n/g, '\\n') };
    const config = loadGatewayConfig([], { VIEWER_PRIVATE_KEY: viewer.privateKey, SUPERGRAPH_PATH: supergraph, SESSION_PUBLIC_KEYS: JSON.stringify(keys) });
    expect(config.sessionPublicKeys).toEqual({ old: session.publicKey, new: viewer.publicKey });
  });

  it('names every bad variable with the expected form, at once', () => {
    const message = configError(() =>
      loadGatewayConfig([], { PORT: 'abc', SUPERGRAPH_PATH: '/no/such/file', SUBGRAPH_HIRING_URL: 'ftp://x', UPSTREAM_TIMEOUT_MS: '-1', NODE_ENV: 'prod' }),
    );
    expect(message).toMatch(/PORT is invalid: expected a port number/);
    expect(message).toMatch(/SUPERGRAPH_PATH is invalid: expected the path of a composed supergraph.*\/no\/such\/file/);
    expect(message).toMatch(/VIEWER_PRIVATE_KEY is missing: expected a PEM-encoded private key/);
    expect(message).toMatch(/SESSION_PUBLIC_KEYS is missing: .*SESSION_PUBLIC_KEY/);
    expect(message).toMatch(/SUBGRAPH_HIRING_URL is invalid: expected a URL starting with http:\/\/ or https:\/\//);
    expect(message).toMatch(/UPSTREAM_TIMEOUT_MS is invalid: expected a positive number of milliseconds/);
    expect(message).toMatch(/NODE_ENV is invalid/);
  });

  it('names the CLI flag when the bad value came from it', () => {
    expect(configError(() => loadGatewayConfig(['--port', '70000'], valid))).toMatch(/--port \(PORT\) is invalid/);
  });

  it('rejects malformed session key sets and keys that are not public PEM', () => {
    expect(configError(() => loadGatewayConfig([], { ...valid, SESSION_PUBLIC_KEY: undefined, SESSION_PUBLIC_KEYS: '{"k1": "nope"}' }))).toMatch(
      /SESSION_PUBLIC_KEYS is invalid: expected a JSON object of key id to PEM public key/,
    );
    expect(configError(() => loadGatewayConfig([], { ...valid, SESSION_PUBLIC_KEY: viewer.privateKey }))).toMatch(
      /SESSION_PUBLIC_KEY is invalid: expected a PEM-encoded public key/,
    );
  });

  it('rejects unknown or valueless flags', () => {
    expect(configError(() => loadGatewayConfig(['--prot', '1'], valid))).toMatch(/unknown argument --prot; usage: gateway \[--supergraph FILE\] \[--port N\]/);
    expect(configError(() => loadGatewayConfig(['--port'], valid))).toMatch(/--port needs a value/);
  });

  it('shares identical in-flight subgraph queries per viewer by default; SUBGRAPH_DEDUP=off turns it off', () => {
    expect(loadGatewayConfig([], valid).subgraphDedup).toBe(true);
    expect(loadGatewayConfig([], { ...valid, SUBGRAPH_DEDUP: 'on' }).subgraphDedup).toBe(true);
    expect(loadGatewayConfig([], { ...valid, SUBGRAPH_DEDUP: 'off' }).subgraphDedup).toBe(false);
    expect(configError(() => loadGatewayConfig([], { ...valid, SUBGRAPH_DEDUP: 'yes' }))).toMatch(/SUBGRAPH_DEDUP is invalid: expected on or off/);
  });

  it('runs one gateway process by default; GATEWAY_WORKERS takes 1 to 64 or auto (one per core)', () => {
    expect(loadGatewayConfig([], valid).workers).toBe(1);
    expect(loadGatewayConfig([], { ...valid, GATEWAY_WORKERS: '2' }).workers).toBe(2);
    expect(loadGatewayConfig([], { ...valid, GATEWAY_WORKERS: 'auto' }).workers).toBe(availableParallelism());
    for (const bad of ['0', '65', '1.5', 'many']) {
      expect(configError(() => loadGatewayConfig([], { ...valid, GATEWAY_WORKERS: bad }))).toMatch(/GATEWAY_WORKERS is invalid/);
    }
  });
});

describe('loadGatewayConfig secrets from files', () => {
  it('reads NAME_FILE like the kit does, and names an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-secrets-'));
    writeFileSync(join(dir, 'viewer.pem'), viewer.privateKey);
    const config = loadGatewayConfig([], { ...valid, VIEWER_PRIVATE_KEY: undefined, VIEWER_PRIVATE_KEY_FILE: join(dir, 'viewer.pem') });
    expect(config.viewerPrivateKey).toBe(viewer.privateKey);
    expect(configError(() => loadGatewayConfig([], { ...valid, SESSION_PUBLIC_KEY: undefined, SESSION_PUBLIC_KEY_FILE: join(dir, 'missing.pem') }))).toMatch(
      /SESSION_PUBLIC_KEY_FILE is invalid: cannot read .*missing\.pem \(ENOENT\)/,
    );
  });
});
