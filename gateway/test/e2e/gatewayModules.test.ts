import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { gatewayClient, startSubgraphs, type SubgraphUrls, type TestSubgraphs } from '../support/startSubgraphs';
import { spawnGateway } from './reliability/spawnSubgraph';

// The gateway depends on @profile-graph/core only: the subgraph kit (mongoose, @apollo/subgraph, the subgraph
// service) must never load into its process, not even through a re-export. Each process here runs with a
// --require hook that writes every module it loaded when it exits.
const ROOT = join(__dirname, '../../..');
const HOOK = join(__dirname, '../support/recordLoadedModules.js');
const RUN_TS = join(__dirname, 'reliability/runTs.js');
/** A module of mongoose or @apollo/subgraph, wherever npm put it (hoisted or nested). */
const SUBGRAPH_ONLY = /[\\/]node_modules[\\/](mongoose|@apollo[\\/]subgraph)[\\/]/;

const loadedModules = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('the gateway process', () => {
  let env: TestEnvironment;
  let subgraphs: TestSubgraphs;
  let urls: SubgraphUrls;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-modules-'));
    env = await startTestEnvironment();
    ({ subgraphs, subgraphUrls: urls } = await startSubgraphs(env));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(Object.values(subgraphs ?? {}).map((subgraph) => subgraph.close()));
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a sign-up across subgraphs without loading mongoose or @apollo/subgraph', async () => {
    const file = join(dir, 'gateway.txt');
    const gateway = await spawnGateway(
      {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        LOADED_MODULES_FILE: file,
        VIEWER_PRIVATE_KEY: env.viewerKeys.privateKey,
        SESSION_PUBLIC_KEY: env.sessionKeys.publicKey,
        NATS_URL: env.nats.url,
        NATS_NKEY_SEED: env.nats.credentials.gateway.seed,
        SUBGRAPH_IDENTITY_URL: urls.identity,
        SUBGRAPH_HIRING_URL: urls.hiring,
        SUBGRAPH_CONSENT_URL: urls.consent,
        SUBGRAPH_CALLS_URL: urls.calls,
      },
      undefined,
      { nodeArgs: ['--require', HOOK] },
    );
    try {
      // A real request through the whole gateway (auth, planner, subgraph calls), so lazily loaded paths count too.
      const user = await gatewayClient(gateway.url).signUp('modules_ada');
      expect(user.token).toEqual(expect.any(String));
    } finally {
      await gateway.stop();
    }
    expect(await gateway.exited).toBe('code 0');
    const loaded = loadedModules(file);
    // The recording saw the gateway itself, core and its runtime, so an empty list cannot pass for a clean one.
    expect(loaded).toContain(join(ROOT, 'gateway/src/createGateway.ts'));
    expect(loaded).toContain(join(ROOT, 'core/src/index.ts'));
    expect(loaded.some((path) => path.includes(join('node_modules', '@graphql-hive', 'gateway-runtime')))).toBe(true);
    expect(loaded.filter((path) => SUBGRAPH_ONLY.test(path))).toEqual([]);
    expect(loaded.filter((path) => path.startsWith(join(ROOT, 'subgraphs')))).toEqual([]);
  }, 90_000);

  it('the same recording does see both in a process that loads the subgraph kit', async () => {
    const file = join(dir, 'kit.txt');
    const child = spawn(process.execPath, ['--require', HOOK, RUN_TS, join(ROOT, 'subgraphs/kit/src/index.ts')], {
      env: { PATH: process.env.PATH, LOADED_MODULES_FILE: file },
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const loaded = loadedModules(file).filter((path) => SUBGRAPH_ONLY.test(path));
    expect(loaded.some((path) => /[\\/]mongoose[\\/]/.test(path))).toBe(true);
    expect(loaded.some((path) => /[\\/]@apollo[\\/]subgraph[\\/]/.test(path))).toBe(true);
  }, 60_000);
});
