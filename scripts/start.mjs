#!/usr/bin/env node
// npm start: the whole graph on this machine, from a fresh clone.
// Installs dependencies if missing, brings up NATS and a MongoDB-wire server,
// builds, starts the four subgraphs and the gateway, seeds demo data when the
// databases are empty, and prints the Sandbox URL. Ctrl-C stops everything.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ensureInstalled } = require('./lib/ensureInstalled.js');
const services = require('./lib/services.js');
const { ensureDevKeys } = require('./lib/devKeys.js');
const { subgraphs } = require('./lib/subgraphList.js');
const { ProcessGroup, waitForHttp } = require('./lib/processGroup.js');
const { seedDemoData, demoPassword } = require('./lib/seedDemoData.js');
const { seedDemoPartner } = require('./lib/seedDemoPartner.js');
const { createPrettyLogLine } = require('./lib/prettyLogLine.js');

const GATEWAY_PORT = Number(process.env.PORT ?? 4000);
// One readable line per log event for the person at the terminal; LOG_FORMAT=json keeps the services' raw JSON.
const readableLogs = (process.env.LOG_FORMAT ?? (process.env.NODE_ENV === 'production' ? 'json' : 'pretty')) === 'pretty';
const group = new ProcessGroup(!readableLogs ? {} : { formatLine: createPrettyLogLine({ colorize: process.stdout.isTTY }) });

async function main() {
  ensureInstalled(root);
  const { mongoUri, natsUrl, started } = await services.ensureDevServices({ root });
  console.log(`services: MongoDB ${mongoUri}, NATS ${natsUrl}${started.length ? ` (started ${started.join(', ')})` : ''}`);
  const keys = ensureDevKeys(root);
  // One nkey per service (.data/keys/nats/<role>.nk, 0600); the dev NATS knows only their public halves.
  const natsSeedFile = (role) => path.join(root, '.data', 'keys', 'nats', `${role}.nk`);
  services.devNatsCredentials(root);

  console.log('build: compiling the workspaces...');
  execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });

  const shutdown = async (code) => {
    await group.stop();
    if (started.length) await services.stopDevServices({ root });
    process.exit(code);
  };
  // A crashed service is restarted (1 s, 2 s, 4 s ... 30 s apart; ProcessGroup says so on stderr) instead of
  // taking the graph down with it; the others keep serving meanwhile.
  const supervised = { restart: true };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const common = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    MONGODB_URI: mongoUri,
    NATS_URL: natsUrl,
    VIEWER_PUBLIC_KEY: keys.viewer.publicKey,
  };
  for (const { name, port } of subgraphs) {
    group.start(
      name,
      [path.join(root, 'subgraphs', name, 'dist', 'main.js')],
      { ...common, PORT: String(port), NATS_NKEY_SEED_FILE: natsSeedFile(name), SESSION_PRIVATE_KEY: keys.session.privateKey, ...keys.identitySecrets, ...keys.hiringSecrets },
      supervised,
    );
  }
  await Promise.all(subgraphs.map(({ port }) => waitForHttp(`http://127.0.0.1:${port}/ready`, 30_000)));

  group.start(
    'gateway',
    [path.join(root, 'gateway', 'dist', 'main.js'), '--supergraph', path.join(root, 'schema', 'supergraph.graphql'), '--port', String(GATEWAY_PORT)],
    { ...common, NATS_NKEY_SEED_FILE: natsSeedFile('gateway'), VIEWER_PRIVATE_KEY: keys.viewer.privateKey, SESSION_PUBLIC_KEY: keys.session.publicKey, OPERATOR_TOKEN_SHA256: keys.operator.sha256 },
    supervised,
  );
  await waitForHttp(`http://127.0.0.1:${GATEWAY_PORT}/health`, 30_000);

  const gatewayUrl = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;
  // Demo data is for development: never a known password or a printed key in production.
  if (common.NODE_ENV !== 'production' && (await seedDemoData(gatewayUrl))) console.log(`seed: demo users ada, grace, alan, katherine, linus (password "${demoPassword}")`);

  const lines = ['', 'profile-graph is running.', `  GraphQL:        ${gatewayUrl}`, `  Apollo Sandbox: http://localhost:${GATEWAY_PORT}/`];
  if (common.NODE_ENV === 'production') {
    lines.push('  (NODE_ENV=production: no demo partner)');
  } else {
    const partner = await seedDemoPartner(gatewayUrl, {
      nodeEnv: common.NODE_ENV,
      operatorToken: keys.operator.token,
      password: demoPassword,
      keyFile: path.join(root, '.data', 'keys', 'demo-partner.key'),
    });
    lines.push(
      `  Demo users:     ada, grace, alan, katherine, linus, and recruiter ${partner.recruiter} (password "${demoPassword}")`,
      `  Demo partner:   x-api-key: ${partner.apiKey}`,
      `                  (Demo Employer, verified; candidates:search jobs:read applications:read)`,
      `  Operator token: x-operator-token from ${path.relative(root, keys.operator.file)}`,
    );
  }
  lines.push('Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
}

main().catch(async (error) => {
  console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
  await group.stop();
  process.exit(1);
});
