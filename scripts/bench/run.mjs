#!/usr/bin/env node
// npm run bench: seeds a dataset into its own NATS and MongoDB-wire server,
// brings the graph up in production mode beside a bare @apollo/gateway, and
// measures the scenarios of issue 9 side by side. Results: scripts/bench/results/.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
import { startCountingMongoProxy } from './lib/countingMongoProxy.mjs';
import { startGraph } from './lib/startGraph.mjs';
import { detectFeatures } from './scenarios/detectFeatures.mjs';
import { recommendationsTarget } from './scenarios/jobRecommendations.mjs';
import { createPartnerKey, partnerSearchTarget } from './scenarios/partnerSearch.mjs';
import { runCommandCount } from './scenarios/runCommandCount.mjs';
import { runCallSignaling } from './scenarios/runCallSignaling.mjs';
import { runConsentPropagation } from './scenarios/runConsentPropagation.mjs';
import { runGatewayScenario } from './scenarios/runGatewayScenario.mjs';
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
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) process.on(signal, () => void stopAll().then(() => process.exit(code)));

async function main() {
  const startedAt = Date.now();
  ensureInstalled(root);
  if (options.build) {
    log('build: turbo run build');
    execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  }
  if (options.scenario === 'gateway') {
    // Gateways only, on static subgraphs: no database, no seeded dataset.
    await runGatewayScenario({ options, log, handles, tmpDir, onCrash });
    await stopAll();
    return;
  }
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown', memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverage: os.loadavg().map((n) => n.toFixed(2)) };

  // Own services on free ports with fresh data: the dev services (and their data) stay untouched.
  const nats = await services.startNats();
  handles.push(nats);
  const ownMongo = process.env.MONGODB_URI;
  const mongo = ownMongo ? { uri: ownMongo, kind: 'external' } : await services.startMongo({ backend: options.backend });
  if (!ownMongo) handles.push(mongo);
  const backendName = { sqlite: 'SQLite', postgresql: 'PostgreSQL' }[mongo.backend];
  machine.mongo = { ferretdb: `FerretDB ${services.FERRETDB_VERSION} (${backendName})`, mongod: 'mongod', external: 'MONGODB_URI' }[mongo.kind];
  log(`services: NATS ${nats.url}, ${machine.mongo}${ownMongo ? '' : ` ${mongo.uri}`}`);
  const keys = ensureDevKeysIn(path.join(tmpDir, 'keys'));
  // A server of your own keeps other data: a prefix of this run only, dropped at the end.
  const prefix = ownMongo ? `bench_${Date.now().toString(36)}` : 'bench';
  if (ownMongo) handles.push({ stop: () => dropDatabases(ownMongo, prefix) });

  log(`dataset: ${options.users} users, ${options.calls} calls`);
  const dataset = generateDataset({ users: options.users, calls: options.calls });
  const { lookupProbe } = await seedDataset({ mongoUri: mongo.uri, natsUrl: nats.url, natsCredentials: nats.credentials, prefix, dataset, log });

  const supergraphSdl = fs.readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8');
  const features = detectFeatures(supergraphSdl);
  // The operator token of this run: it verifies the bench's partner organization (S2/S6).
  const operatorToken = randomBytes(24).toString('base64url');
  const operatorTokenSha256 = createHash('sha256').update(operatorToken).digest('hex');
  const graphOptions = { group, mongoUri: mongo.uri, natsUrl: nats.url, natsCredentials: nats.credentials, prefix, keys, operatorTokenSha256, onCrash };
  const graph = await startGraph({ ...graphOptions, label: '' });
  log(`graph: ${graph.processes.map((p) => `${p.name} ready in ${p.readyMs} ms`).join(', ')}`);
  const baseline = await startApolloBaseline({ group, tmpDir, subgraphUrls: graph.subgraphUrls, keys, onCrash });
  log(`baseline: @apollo/gateway ready in ${baseline.process.readyMs} ms`);
  // Production refuses the enforcement switch, so the off graph's subgraphs run with NODE_ENV=test: the same
  // built code, keys and settings, where production differs only in refusing introspection and the switch.
  const enforcementOff = features.S4.available
    ? await startGraph({ ...graphOptions, label: 'off-', subgraphEnv: { CONSENT_ENFORCEMENT: 'disabled-for-benchmark', NODE_ENV: 'test' } })
    : null;

  const signSession = await kit().createSessionSigner(keys.session.privateKey, { ttlSeconds: 3600, kid: 'k1' });
  const tokens = new Map();
  for (const user of dataset.users) tokens.set(user._id, (await signSession({ userId: user._id, sessionId: randomUUID() })).token);
  const tokenFor = async (userId) => tokens.get(userId);

  const targets = [
    { name: 'this gateway', url: graph.gatewayUrl },
    { name: '@apollo/gateway', url: baseline.url },
    ...(enforcementOff ? [{ name: 'this gateway, enforcement off', url: enforcementOff.gatewayUrl }] : []),
  ];
  // S2 and S3 run in the same interleaved rounds as S1, on this gateway only.
  const grantedNow = (purpose) => new Set(dataset.consentStates.filter((s) => s.purpose === purpose && s.status === 'GRANTED').map((s) => s.userId));
  const candidatePool = grantedNow('CANDIDATE_DISCOVERY').size;
  const extraTargets = [];
  let partnerSecret = null;
  let s2Problem = null;
  try {
    partnerSecret = await createPartnerKey({ gatewayUrl: graph.gatewayUrl, adminToken: tokens.get(dataset.users[0]._id), operatorToken });
    const s2 = await partnerSearchTarget({ gatewayUrl: graph.gatewayUrl, secret: partnerSecret, candidatePool });
    if (s2.target) extraTargets.push(s2.target);
    else s2Problem = `this gateway does not answer the candidate search correctly: ${s2.problem}`;
  } catch (error) {
    s2Problem = `partner key setup failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (s2Problem) log(`S2: ${s2Problem}`);
  const recommendationUsers = [...grantedNow('HIRING_RECOMMENDATIONS')];
  const s3 = await recommendationsTarget({ gatewayUrl: graph.gatewayUrl, tokens: recommendationUsers.map((id) => tokens.get(id)) });
  if (s3.target) extraTargets.push(s3.target);
  else log(`S3: this gateway does not answer job recommendations correctly: ${s3.problem}`);
  const profile = await runProfileScreen({ targets, extraTargets, tokens: [...tokens.values()], options, log });
  // Read right after the load: VmHWM is the peak since start, which is the peak under load.
  const rss = new Map([...graph.processes, baseline.process, ...(enforcementOff?.processes ?? [])].map((p) => [p.name, readPeakRss(p.pid)]));

  log(`S7: ${options.withdrawals} consent withdrawals`);
  const propagation = await runConsentPropagation({
    gatewayUrl: graph.gatewayUrl,
    subgraphUrls: graph.subgraphUrls,
    natsUrl: nats.url,
    natsCredentials: nats.credentials,
    dataset,
    tokenFor,
    viewerPrivateKey: keys.viewer.privateKey,
    withdrawals: options.withdrawals,
    budgetSeconds: options.s7BudgetSeconds,
    log,
  });
  log(`S9/S10: ${options.s9Calls} calls set up under S1 load, ${options.s10Signals} signals relayed (graphql-ws)`);
  let signaling;
  try {
    signaling = await runCallSignaling({
      gatewayUrl: graph.gatewayUrl,
      users: dataset.users,
      tokens,
      calls: options.s9Calls,
      signals: options.s10Signals,
      loadConnections: Math.max(1, Math.round(options.connections / 5)),
      log,
    });
  } catch (error) {
    const reason = `not measured: ${error instanceof Error ? error.message : String(error)}`;
    log(`S9/S10: ${reason}`);
    signaling = { s9: { status: 'not measured', reason }, s10: { status: 'not measured', reason } };
  }
  // S6 last, on its own copy of the graph whose MongoDB traffic goes through a counting proxy.
  let commandCount = null;
  let s6Problem = null;
  if (partnerSecret) {
    try {
      const proxy = await startCountingMongoProxy(mongo.uri);
      handles.push(proxy);
      // 200 candidates with nested fields cost more than the default operation cost limit; that limit is not under test.
      // BATCH_LOOKUP=in: DataLoader batches as one `$in` each, what a MongoDB deployment runs. On FerretDB the
      // graph's default is one equality query per key (FerretDB scans for `$in`), N commands by design.
      const counted = await startGraph({ ...graphOptions, mongoUri: proxy.uri, label: 's6-', subgraphEnv: { BATCH_LOOKUP: 'in' }, gatewayEnv: { MAX_COST: '1000000' } });
      log(`S6: MongoDB commands per candidate search, counted through a proxy (graph s6-*)`);
      commandCount = await runCommandCount({ gatewayUrl: counted.gatewayUrl, proxy, secret: partnerSecret, candidatePool, log });
    } catch (error) {
      s6Problem = `S6 failed: ${error instanceof Error ? error.message : String(error)}`;
      log(s6Problem);
    }
  } else s6Problem = `not measured: needs S2's partner key (${s2Problem})`;
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
      S2: profile.results[extraTargets.find((t) => t.name.startsWith('S2'))?.name]
        ? { status: 'measured', candidatesPerRequest: 50, candidatePool, baseline: 'not run: the @apollo/gateway baseline has the security directives stripped and no API key auth', ...profile.results[extraTargets.find((t) => t.name.startsWith('S2')).name] }
        : { status: 'not measured', reason: s2Problem ?? `not measured: ${profile.invalid['S2'] ?? 'no result'}` },
      S3: s3.target && profile.results[s3.target.name]
        ? { status: 'measured', jobs: dataset.jobs.length, users: recommendationUsers.length, sampleSizes: s3.sampleSizes, ...profile.results[s3.target.name] }
        : { status: 'not measured', reason: `not measured: ${s3.problem ?? 'no result'}` },
      S4: off && hive ? { status: 'measured', on: hive, off, ratio: hive.rps / off.rps, met: hive.rps / off.rps >= 0.97 } : { status: 'not available yet', reason: features.S4.reason ?? 'not measured' },
      S5:
        hive && apollo
          ? { status: 'measured', hive, apollo, throughputRatio: hive.rps / apollo.rps, met: hive.rps / apollo.rps >= 3.5 && hive.p99 < apollo.p99 }
          : unmeasured(hive ? '@apollo/gateway' : 'this gateway'),
      S6: commandCount?.some((row) => row.status === 'measured')
        ? { status: 'measured', method: 'commands (OP_MSG) sent by a separate copy of the graph, with BATCH_LOOKUP=in (one `$in` per DataLoader batch, the MongoDB default), through a counting TCP proxy; background work (outbox polls, consent projection, API key lookups, handshakes) excluded; median of 3 single requests', rows: commandCount }
        : { status: 'not measured', reason: s6Problem ?? `not measured: ${commandCount?.map((row) => row.reason).join('; ')}` },
      // Met on what the other subgraphs report (decision -> enforced, no probe in between), with
      // every withdrawal also seen denied by a probe; the probe's own figure is reported beside it.
      S7: propagation.withdrawals
        ? { status: 'measured', ...propagation, met: propagation.timedOut === 0 && Object.values(propagation.enforcedAfterDecision).every((m) => m.n >= propagation.withdrawals / 2 && m.p99 < 50) }
        : { status: 'not measured', reason: 'no withdrawal could be measured', ...propagation },
      S8: { status: 'measured', processes, met: gatewayRss === undefined ? undefined : gatewayRss < 300 },
      S9: signaling.s9,
      S10: signaling.s10,
    },
  };

  fs.mkdirSync(options.out, { recursive: true });
  fs.writeFileSync(path.join(options.out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(options.out, 'latest.md'), formatResultsMarkdown(results));
  const bars = [
    ...(hive ? [{ scenario: 'S1 profile screen', target: 'this gateway', rps: hive.rps, p99: hive.p99 }] : []),
    ...(apollo ? [{ scenario: 'S1 profile screen', target: '@apollo/gateway (S5)', rps: apollo.rps, p99: apollo.p99 }] : []),
    ...(off ? [{ scenario: 'S1 profile screen', target: 'enforcement off (S4)', rps: off.rps, p99: off.p99 }] : []),
    ...(results.scenarios.S2.status === 'measured' ? [{ scenario: 'S2 candidate search', target: 'this gateway', rps: results.scenarios.S2.rps, p99: results.scenarios.S2.p99 }] : []),
    ...(results.scenarios.S3.status === 'measured' ? [{ scenario: 'S3 job recommendations', target: 'this gateway', rps: results.scenarios.S3.rps, p99: results.scenarios.S3.p99 }] : []),
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
