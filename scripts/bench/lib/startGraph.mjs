// Brings up the four subgraphs and the gateway as production processes on
// free ports. Each starts alone and is timed from spawn to its /ready, so the
// start-up times in S8 are not several processes fighting for two cores.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { root, scriptLib } from './repoRequire.mjs';
import { waitUntilReady } from './waitUntilReady.mjs';

const { getFreePort } = scriptLib('services.js');
const { subgraphs } = scriptLib('subgraphList.js');
const READY_TIMEOUT_MS = 120_000;

/**
 * @param {{ group: import('../../lib/processGroup.js').ProcessGroup, label: string, mongoUri: string, natsUrl: string, natsCredentials: import('../../lib/natsAuth.js').NatsCredentials, prefix: string,
 *   keys: { viewer: { publicKey: string, privateKey: string }, session: { publicKey: string, privateKey: string } },
 *   subgraphEnv?: Record<string, string>, gatewayEnv?: Record<string, string>, operatorTokenSha256?: string, onCrash: (name: string, code: number | null) => void }} options
 */
/**
 * Identity in production needs its encryption keys and a real verification
 * provider; the benchmark never verifies anyone, so the provider URL points
 * nowhere on purpose.
 */
function identityEnv(keys) {
  return {
    SESSION_PRIVATE_KEY: keys.session.privateKey,
    SESSION_KEY_ID: 'k1',
    ...keys.identitySecrets,
    VERIFICATION_PROVIDER: 'http',
    // https: production refuses a clear-text provider (it would carry ID images and selfies).
    VERIFICATION_PROVIDER_URL: 'https://127.0.0.1:9/unused-by-the-benchmark',
  };
}

/** Production hiring needs a key of its own for the training feed's pseudonyms; one per run. */
const hiringEnv = () => ({ TRAINING_PSEUDONYM_KEY: randomBytes(32).toString('base64') });

/**
 * Both gateways run with the old-generation heap the compose file gives ours
 * (docker-compose.yml): V8 otherwise grows toward a quarter of the machine's
 * memory before collecting, and peak RSS would measure that laziness.
 */
export const GATEWAY_NODE_OPTIONS = '--max-old-space-size=192';

export async function startGraph({ group, label, mongoUri, natsUrl, natsCredentials, prefix, keys, subgraphEnv = {}, gatewayEnv: extraGatewayEnv = {}, operatorTokenSha256, onCrash }) {
  const common = {
    ...process.env,
    NODE_ENV: 'production',
    // Both gateways run without per-request logs; pino at info would measure the terminal.
    LOG_LEVEL: 'warn',
    MONGODB_URI: mongoUri,
    NATS_URL: natsUrl,
    DATABASE_PREFIX: prefix,
    VIEWER_PUBLIC_KEY: keys.viewer.publicKey,
  };
  const processes = [];
  const urls = {};
  for (const { name } of subgraphs) {
    const port = await getFreePort();
    const env = { ...common, ...subgraphEnv, PORT: String(port), NATS_NKEY_SEED: natsCredentials[name].seed, ...(name === 'identity' ? identityEnv(keys) : {}), ...(name === 'hiring' ? hiringEnv() : {}) };
    processes.push(await startTimed(group, `${label}${name}`, [path.join(root, 'subgraphs', name, 'dist', 'main.js')], env, `http://127.0.0.1:${port}/ready`, onCrash));
    urls[name] = `http://127.0.0.1:${port}/graphql`;
  }
  const port = await getFreePort();
  const gatewayEnv = {
    ...common,
    NODE_OPTIONS: GATEWAY_NODE_OPTIONS,
    PORT: String(port),
    SUPERGRAPH_PATH: path.join(root, 'schema', 'supergraph.graphql'),
    VIEWER_PRIVATE_KEY: keys.viewer.privateKey,
    SESSION_PUBLIC_KEY: keys.session.publicKey,
    SESSION_KEY_ID: 'k1',
    NATS_NKEY_SEED: natsCredentials.gateway.seed,
    ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url])),
    // The operator verifies the bench's partner organization (S2/S6); NATS_URL (common) resolves its API key.
    ...(operatorTokenSha256 ? { OPERATOR_TOKEN_SHA256: operatorTokenSha256 } : {}),
    // One partner key drives all of S2: the per-key rate limit (120, refilling 10/s) would measure itself.
    RATE_LIMIT_CAPACITY: '1000000',
    RATE_LIMIT_REFILL_PER_SECOND: '1000000',
    ...extraGatewayEnv,
  };
  const gateway = await startTimed(group, `${label}gateway`, [path.join(root, 'gateway', 'dist', 'main.js')], gatewayEnv, `http://127.0.0.1:${port}/ready`, onCrash);
  return { gatewayUrl: `http://127.0.0.1:${port}/graphql`, subgraphUrls: urls, processes: [...processes, gateway] };
}

/** Spawns a node process and resolves once readyUrl answers 200, with the time that took. */
export async function startTimed(group, name, args, env, readyUrl, onCrash, readyInit = {}) {
  const started = performance.now();
  const child = group.start(name, args, env, (code) => onCrash(name, code));
  await waitUntilReady(readyUrl, READY_TIMEOUT_MS, () => child.exitCode === null && child.signalCode === null, readyInit);
  return { name, pid: child.pid, readyMs: Math.round(performance.now() - started) };
}
