#!/usr/bin/env node
// npm run bench: seeds a dataset into its own NATS and MongoDB-wire server,
// brings the graph up in production mode beside a bare @apollo/gateway, and
// measures the scenarios of issue 9 side by side. Results: scripts/bench/results/.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatResultsMarkdown } from './lib/formatResultsMarkdown.mjs';
import { generateDataset } from './lib/generateDataset.mjs';
import { parseBenchArgs, USAGE } from './lib/parseBenchArgs.mjs';
import { readPeakRss } from './lib/readPeakRss.mjs';
import { renderChart } from './lib/renderChart.mjs';
import { fromWorkspace, kit, root, scriptLib } from './lib/repoRequire.mjs';
import { seedDataset } from './lib/seedDataset.mjs';
import { startApolloBaseline } from './lib/startApolloBaseline.mjs';
import { startGraph } from './lib/startGraph.mjs';
import { detectFeatures } from './scenarios/detectFeatures.mjs';
import { runConsentPropagation } from './scenarios/runConsentPropagation.mjs';
import { runProfileScreen } from './scenarios/runProfileScreen.mjs';

const options = parseBenchArgs();
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const log = (line) => process.stdout.write(`[bench   ] ${line}\n`);
const { ensureInstalled } = scriptLib('ensureInstalled.js');
const services = scriptLib('services.js');
const { ProcessGroup } = scriptLib('processGroup.js');
const { ensureDevKeysIn } = scriptLib('devKeys.js');

const group = new ProcessGroup();
const handles = [];
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-graph-bench-'));
let stopping = false;

async function stopAll() {
  stopping = true;
  await group.stop();
  for (const handle of handles.reverse()) await handle.stop().catch(() => undefined);
  fs.rmSync(tmpDir, { recursive: true, force: true });
}

const onCrash = (name, code) => {
  if (stopping) return;
  console.error(`bench: ${name} exited with code ${code} during the run; stopping.`);
  void stopAll().then(() => process.exit(1));
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

async function main() {
  const startedAt = Date.now();
  ensureInstalled(root);
  if (options.build) {
    log('build: turbo run build');
    execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  }
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown', memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverage: os.loadavg().map((n) => n.toFixed(2)) };

  // Own services on free ports with fresh data: the dev services (and their data) stay untouched.
  const nats = await services.startNats();
  handles.push(nats);
  const ownMongo = process.env.MONGODB_URI;
  const mongo = ownMongo ? { uri: ownMongo, kind: 'external' } : await services.startMongo();
  if (!ownMongo) handles.push(mongo);
  machine.mongo = { ferretdb: `FerretDB ${services.FERRETDB_VERSION} (SQLite)`, mongod: 'mongod', external: 'MONGODB_URI' }[mongo.kind];
  log(`services: NATS ${nats.url}, ${machine.mongo}${ownMongo ? '' : ` ${mongo.uri}`}`);
  const keys = ensureDevKeysIn(path.join(tmpDir, 'keys'));
  // A server of your own keeps other data: a prefix of this run only, dropped at the end.
  const prefix = ownMongo ? `bench_${Date.now().toString(36)}` : 'bench';
  if (ownMongo) handles.push({ stop: () => dropDatabases(ownMongo, prefix) });

  log(`dataset: ${options.users} users, ${options.calls} calls`);
  const dataset = generateDataset({ users: options.users, calls: options.calls });
  const { lookupProbe } = await seedDataset({ mongoUri: mongo.uri, natsUrl: nats.url, prefix, dataset, log });

  const supergraphSdl = fs.readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8');
  const features = detectFeatures(supergraphSdl);
  const graphOptions = { group, mongoUri: mongo.uri, natsUrl: nats.url, prefix, keys, onCrash };
  const graph = await startGraph({ ...graphOptions, label: '' });
  log(`graph: ${graph.processes.map((p) => `${p.name} ready in ${p.readyMs} ms`).join(', ')}`);
  const baseline = await startApolloBaseline({ group, tmpDir, subgraphUrls: graph.subgraphUrls, keys, onCrash });
  log(`baseline: @apollo/gateway ready in ${baseline.process.readyMs} ms`);
  const enforcementOff = features.S4.available ? await startGraph({ ...graphOptions, label: 'off-', subgraphEnv: { CONSENT_ENFORCEMENT: 'disabled-for-benchmark' } }) : null;

  const signSession = await kit().createSessionSigner(keys.session.privateKey, { ttlSeconds: 3600, kid: 'k1' });
  const tokens = new Map();
  for (const user of dataset.users) tokens.set(user._id, (await signSession({ userId: user._id, sessionId: randomUUID() })).token);
  const tokenFor = async (userId) => tokens.get(userId);

  const targets = [
    { name: 'this gateway', url: graph.gatewayUrl },
    { name: '@apollo/gateway', url: baseline.url },
    ...(enforcementOff ? [{ name: 'this gateway, enforcement off', url: enforcementOff.gatewayUrl }] : []),
  ];
  const profile = await runProfileScreen({ targets, tokens: [...tokens.values()], options, log });
  // Read right after the load: VmHWM is the peak since start, which is the peak under load.
  const rss = new Map([...graph.processes, baseline.process, ...(enforcementOff?.processes ?? [])].map((p) => [p.name, readPeakRss(p.pid)]));

  log(`S7: ${options.withdrawals} consent withdrawals`);
  const propagation = await runConsentPropagation({
    gatewayUrl: graph.gatewayUrl,
    subgraphUrls: graph.subgraphUrls,
    natsUrl: nats.url,
    dataset,
    tokenFor,
    viewerPrivateKey: keys.viewer.privateKey,
    withdrawals: options.withdrawals,
    budgetSeconds: options.s7BudgetSeconds,
    log,
  });
  await stopAll();

  const hive = profile.results['this gateway'];
  const apollo = profile.results['@apollo/gateway'];
  const off = profile.results['this gateway, enforcement off'];
  const unmeasured = (name) => ({ status: 'not measured', reason: `not measured: ${profile.invalid[name] ?? 'no result'}` });
  const processes = [...graph.processes, baseline.process, ...(enforcementOff?.processes ?? [])].map((p) => ({ name: p.name, readyMs: p.readyMs, peakRssMb: rss.get(p.name)?.peakMb ?? null }));
  const gatewayRss = rss.get('gateway')?.peakMb;
  const results = {
    generatedAt: new Date().toISOString(),
    wallClockSeconds: Math.round((Date.now() - startedAt) / 1000),
    machine,
    options: { ...options, out: undefined, build: undefined, help: undefined },
    dataset: Object.fromEntries(Object.entries(dataset).map(([name, docs]) => [name, docs.length])),
    lookupProbe,
    scenarios: {
      S1: hive ? { status: 'measured', ...hive } : unmeasured('this gateway'),
      S2: { status: 'not available yet', reason: features.S2.reason },
      S3: { status: 'not available yet', reason: features.S3.reason },
      S4: off && hive ? { status: 'measured', on: hive, off, ratio: hive.rps / off.rps, met: hive.rps / off.rps >= 0.97 } : { status: 'not available yet', reason: features.S4.reason ?? 'not measured' },
      S5:
        hive && apollo
          ? { status: 'measured', hive, apollo, throughputRatio: hive.rps / apollo.rps, met: hive.rps / apollo.rps >= 3.5 && hive.p99 < apollo.p99 }
          : unmeasured(hive ? '@apollo/gateway' : 'this gateway'),
      S6: { status: 'not available yet', reason: features.S6.reason },
      S7: propagation.withdrawals ? { status: 'measured', ...propagation, met: propagation.latency.p99 < 50 && propagation.timedOut === 0 } : { status: 'not measured', reason: 'no withdrawal could be measured', ...propagation },
      S8: { status: 'measured', processes, met: gatewayRss === undefined ? undefined : gatewayRss < 300 },
    },
  };

  fs.mkdirSync(options.out, { recursive: true });
  fs.writeFileSync(path.join(options.out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(options.out, 'latest.md'), formatResultsMarkdown(results));
  const bars = [
    ...(hive ? [{ scenario: 'S1 profile screen', target: 'this gateway', rps: hive.rps, p99: hive.p99 }] : []),
    ...(apollo ? [{ scenario: 'S1 profile screen', target: '@apollo/gateway (S5)', rps: apollo.rps, p99: apollo.p99 }] : []),
    ...(off ? [{ scenario: 'S1 profile screen', target: 'enforcement off (S4)', rps: off.rps, p99: off.p99 }] : []),
  ];
  fs.writeFileSync(path.join(options.out, 'latest.svg'), await renderChart(bars));
  console.log(`\n${fs.readFileSync(path.join(options.out, 'latest.md'), 'utf8').split('\n## ')[0]}`);
  log(`results: ${path.relative(process.cwd(), options.out) || '.'}/latest.{md,json,svg} (${results.wallClockSeconds} s)`);
}

async function dropDatabases(uri, prefix) {
  const mongoose = fromWorkspace('subgraphs/kit')('mongoose');
  const connection = await mongoose.createConnection(uri).asPromise();
  for (const name of ['identity', 'hiring', 'consent', 'calls']) await connection.useDb(`${prefix}_${name}`).dropDatabase();
  await connection.close();
}

main().catch(async (error) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAll();
  process.exit(1);
});
