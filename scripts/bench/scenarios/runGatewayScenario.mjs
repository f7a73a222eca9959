// `npm run bench -- --scenario gateway` (issue 19): what the gateway itself
// costs, on the public gateway benchmark's workload instead of the graph's
// FerretDB-bound subgraphs. Four entries, each one process pinned to CPU 0:
// (a) bare @apollo/gateway, (b) the bare engine (Hive Gateway runtime + Rust
// planner, no plugins of ours), (c) our gateway in production with every
// plugin on and anonymous traffic, (d) the same with a signed-in viewer on
// every request. The subgraphs, NATS and the load generator (this process)
// share CPU 1. Rounds interleave the entries; medians are reported.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeWorkloadSupergraph } from '../gatewayWorkload/composeWorkloadSupergraph.mjs';
import { createWorkloadCheck } from '../gatewayWorkload/checkWorkloadResponse.mjs';
import { expectedResponse } from '../gatewayWorkload/expectedResponse.mjs';
import { SUBGRAPHS } from '../gatewayWorkload/subgraphSchemas.mjs';
import { WORKLOAD_BODY } from '../gatewayWorkload/workloadQuery.mjs';
import { formatGatewayMarkdown } from '../lib/formatGatewayMarkdown.mjs';
import { measureLoad } from '../lib/measureLoad.mjs';
import { median } from '../lib/median.mjs';
import { readCpuMs } from '../lib/readCpuMs.mjs';
import { treeCpuMs, treePeakRss } from '../lib/processTree.mjs';
import { renderChart } from '../lib/renderChart.mjs';
import { core, kit, root, scriptLib } from '../lib/repoRequire.mjs';
import { startPinned } from '../lib/startPinned.mjs';

const GATEWAY_CPU = 0;
const LOAD_CPU = 1;
/** Raised for the run: at 50 connections one client IP (anonymous) or one user would otherwise measure the limiter. */
const RATE_LIMIT = { RATE_LIMIT_CAPACITY: '1000000', RATE_LIMIT_REFILL_PER_SECOND: '1000000' };
/** Distinct signed-in users for (d), so no per-viewer sharing or cache can serve one user's answer to the next. */
const VIEWER_COUNT = 1_000;

const workloadDir = path.join(root, 'scripts', 'bench', 'gatewayWorkload');
const probe = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) };

/** taskset on this process's threads (-a): the load generator runs where the subgraphs do. */
function pinSelf(cpu) {
  execFileSync('taskset', ['-a', '-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** A clean environment: nothing from the caller's shell (NODE_OPTIONS, SUBGRAPH_*_URL, ...) leaks into what is measured. */
const baseEnv = (extra) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'production', ...extra });

/**
 * @param {{ options: ReturnType<typeof import('../lib/parseBenchArgs.mjs').parseBenchArgs>, log: (line: string) => void, handles: { stop(): Promise<unknown> }[], tmpDir: string, onCrash: (name: string, code: number | null) => void }} context
 */
export async function runGatewayScenario({ options, log, handles, tmpDir, onCrash }) {
  const startedAt = Date.now();
  if (os.cpus().length < 2) throw new Error('--scenario gateway pins the gateway to CPU 0 and the rest to CPU 1: it needs at least 2 CPUs');
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('--scenario gateway needs taskset (util-linux) to pin processes to CPUs');
  }
  pinSelf(LOAD_CPU);
  const { getFreePort, startNats } = scriptLib('services.js');
  const { ensureDevKeysIn } = scriptLib('devKeys.js');
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown', memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverageAtStart: os.loadavg().map((n) => n.toFixed(2)) };

  const subgraphUrls = {};
  const subgraphs = [];
  for (const name of Object.keys(SUBGRAPHS)) {
    const port = await getFreePort();
    const started = await startPinned({ name, cpu: LOAD_CPU, args: [path.join(workloadDir, 'subgraphServer.mjs'), name], env: baseEnv({ PORT: String(port) }), readyUrl: `http://127.0.0.1:${port}/ready`, onCrash });
    handles.push(started);
    subgraphs.push(started);
    subgraphUrls[name] = `http://127.0.0.1:${port}/graphql`;
  }
  const supergraphPath = path.join(tmpDir, 'gateway-workload.supergraph.graphql');
  fs.writeFileSync(supergraphPath, composeWorkloadSupergraph(subgraphUrls));
  const expected = expectedResponse();
  log(`workload: 4 subgraphs on CPU ${LOAD_CPU} (${Object.values(subgraphUrls).join(', ')}), expected response ${expected.text.length} bytes`);

  // Our gateway checks session revocations it hears over NATS: it gets its own server, like the main bench's.
  const nats = await startNats();
  handles.push(nats);
  if (nats.pid) execFileSync('taskset', ['-a', '-cp', String(LOAD_CPU), String(nats.pid)], { stdio: 'ignore' });
  // The gateway serves only once it has read identity's revocations bucket; with no identity here, the operator role creates it.
  {
    const { connectNats, ensureRevocationBucket } = core();
    const admin = await connectNats({ url: nats.url, role: 'admin', nkeySeed: nats.credentials.admin.seed, name: 'bench-gateway-setup', timeoutMs: 10_000 });
    await ensureRevocationBucket(await admin.jetstreamManager());
    await admin.close();
  }
  const keys = ensureDevKeysIn(path.join(tmpDir, 'keys'));
  const ourGatewayEnv = (port) =>
    baseEnv({
      LOG_LEVEL: 'warn',
      PORT: String(port),
      SUPERGRAPH_PATH: supergraphPath,
      VIEWER_PRIVATE_KEY: keys.viewer.privateKey,
      SESSION_PUBLIC_KEY: keys.session.publicKey,
      SESSION_KEY_ID: 'k1',
      NATS_URL: nats.url,
      NATS_NKEY_SEED: nats.credentials.gateway.seed,
      // Metrics stay on (observability is part of what is measured); a token only silences the "open to nobody" warning.
      METRICS_TOKEN_SHA256: createHash('sha256').update(randomBytes(24)).digest('hex'),
      ...RATE_LIMIT,
    });

  const entryDefs = [
    { id: 'a', name: 'bare @apollo/gateway', short: 'apollo', script: path.join(workloadDir, 'bareApolloGatewayServer.mjs'), path: '/', ready: '/', readyInit: probe },
    { id: 'b', name: 'bare engine (Hive runtime + Rust planner)', short: 'engine', script: path.join(workloadDir, 'bareEngineServer.mjs'), path: '/graphql', ready: '/graphql', readyInit: probe },
    { id: 'c', name: 'this gateway, anonymous', short: 'gw-anon', script: path.join(root, 'gateway', 'dist', 'main.js'), path: '/graphql', ready: '/ready', ours: true },
    { id: 'd', name: 'this gateway, signed-in viewer', short: 'gw-user', script: path.join(root, 'gateway', 'dist', 'main.js'), path: '/graphql', ready: '/ready', ours: true, signedIn: true },
    // Not in the default set (--entries ...,e): 1 against 2 workers. Two workers need two cores, and the only
    // other core is the subgraphs' and the load generator's, so (e) measures sharing CPU 1 with them.
    { id: 'e', name: 'this gateway, anonymous, GATEWAY_WORKERS=2 on CPUs 0-1', short: 'gw-2w', script: path.join(root, 'gateway', 'dist', 'main.js'), path: '/graphql', ready: '/ready', ours: true, cpus: `${GATEWAY_CPU},${LOAD_CPU}`, env: { GATEWAY_WORKERS: '2' } },
  ];
  const selectedDefs = entryDefs.filter((def) => options.entries.includes(def.id));
  const signSession = await kit().createSessionSigner(keys.session.privateKey, { ttlSeconds: 3600, kid: 'k1' });
  const viewerTokens = [];
  for (let i = 0; i < VIEWER_COUNT; i += 1) viewerTokens.push((await signSession({ userId: randomBytes(12).toString('hex'), sessionId: randomUUID() })).token);

  log(`our gateway (c, d): NODE_ENV=production, every plugin on, rate limits raised for the run: ${Object.entries(RATE_LIMIT).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const entries = [];
  for (const def of selectedDefs) {
    const port = await getFreePort();
    const env = def.ours ? { ...ourGatewayEnv(port), ...def.env } : baseEnv({ PORT: String(port), SUPERGRAPH_PATH: supergraphPath });
    const profile = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${def.short}.cpuprofile`] : [];
    const started = await startPinned({ name: def.short, cpu: def.cpus ?? GATEWAY_CPU, args: [...profile, ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), def.script], env, readyUrl: `http://127.0.0.1:${port}${def.ready}`, readyInit: def.readyInit ?? {}, onCrash });
    handles.push(started);
    entries.push({ ...def, url: `http://127.0.0.1:${port}${def.path}`, process: started, tokens: def.signedIn ? viewerTokens : [''], authHeaders: def.signedIn ? (token) => ({ authorization: `Bearer ${token}` }) : () => ({}) });
    log(`${def.id}) ${def.name}: pid ${started.pid} on CPU ${def.cpus ?? GATEWAY_CPU}, ready in ${started.readyMs} ms`);
  }

  // One request each first: an entry that answers wrong is reported as such and kept out of the rounds.
  const check = createWorkloadCheck(expected.response);
  const invalid = {};
  for (const entry of entries) {
    const response = await fetch(entry.url, { method: 'POST', headers: { 'content-type': 'application/json', ...entry.authHeaders(entry.tokens[0]) }, body: WORKLOAD_BODY });
    const text = await response.text();
    const problem = response.status === 200 ? check(text) : `HTTP ${response.status}: ${text.slice(0, 300)}`;
    if (problem) {
      invalid[entry.id] = problem;
      log(`${entry.id}) ${entry.name} does not answer the workload correctly: ${problem}`);
    }
  }
  const measured = entries.filter((entry) => !invalid[entry.id]);
  const load = (entry, durationSeconds) =>
    measureLoad({ url: entry.url, body: WORKLOAD_BODY, tokens: entry.tokens, authHeaders: entry.authHeaders, check, connections: options.connections, durationSeconds });
  for (const entry of measured) {
    const warm = await load(entry, options.warmupSeconds);
    log(`  warm-up ${entry.id}) ${entry.name}: ${warm.rps.toFixed(0)} req/s`);
  }
  // CPU 1's side of a round (subgraphs, NATS, the load generator): near 100 % there, the gateway was not the bottleneck.
  const loadSidePids = [...subgraphs.map((s) => s.pid), ...(nats.pid ? [nats.pid] : [])];
  const loadSideCpuMs = () => loadSidePids.reduce((total, pid) => total + (readCpuMs(pid) ?? 0), 0) + (readCpuMs(process.pid) ?? 0);
  const samples = Object.fromEntries(measured.map((entry) => [entry.id, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? measured : [...measured].reverse();
    for (const entry of order) {
      const cpuBefore = treeCpuMs(entry.process.pid);
      const loadSideBefore = loadSideCpuMs();
      const sample = await load(entry, options.durationSeconds);
      const cpuMs = treeCpuMs(entry.process.pid) - cpuBefore;
      const loadSideMs = loadSideCpuMs() - loadSideBefore;
      const failed = sample.graphqlErrors + sample.non2xx + sample.socketErrors + sample.timeouts;
      const roundMs = options.durationSeconds * 1000;
      samples[entry.id].push({ ...sample, failed, cpuMsPerRequest: sample.requests ? cpuMs / sample.requests : NaN, coreBusy: cpuMs / roundMs, loadSideBusy: loadSideMs / roundMs });
      log(`  round ${round + 1}/${options.rounds} ${entry.id}) ${entry.name}: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99} ms, ${sample.requests ? (cpuMs / sample.requests).toFixed(2) : '–'} CPU ms/req, CPU 0 ${((100 * cpuMs) / roundMs).toFixed(0)} % / CPU 1 ${((100 * loadSideMs) / roundMs).toFixed(0)} % busy${failed ? `, ${failed} failed (${sample.firstError ?? 'non-2xx/socket'})` : ''}`);
    }
  }
  const peakRss = Object.fromEntries(entries.map((entry) => [entry.id, treePeakRss(entry.process.pid)]));
  const subgraphRss = Object.fromEntries(subgraphs.map((s) => [s.name, treePeakRss(s.pid)?.peakMb ?? null]));

  const summary = (entry) => {
    const list = samples[entry.id];
    if (!list?.length) return { id: entry.id, name: entry.name, status: 'not measured', reason: invalid[entry.id] ?? 'no round', readyMs: entry.process.readyMs, peakRssMb: peakRss[entry.id]?.peakMb ?? null };
    const pick = (key) => median(list.map((s) => s[key]));
    return {
      id: entry.id,
      name: entry.name,
      status: 'measured',
      rps: pick('rps'),
      p50: pick('p50'),
      p99: pick('p99'),
      cpuMsPerRequest: pick('cpuMsPerRequest'),
      coreBusy: pick('coreBusy'),
      loadSideBusy: pick('loadSideBusy'),
      peakRssMb: peakRss[entry.id]?.peakMb ?? null,
      readyMs: entry.process.readyMs,
      requests: list.reduce((n, s) => n + s.requests, 0),
      failed: list.reduce((n, s) => n + s.failed, 0),
      rounds: list.map((s) => ({ rps: Math.round(s.rps * 10) / 10, p50: s.p50, p99: s.p99, cpuMsPerRequest: Math.round(s.cpuMsPerRequest * 1000) / 1000, failed: s.failed })),
    };
  };
  const byId = Object.fromEntries(entries.map((entry) => [entry.id, summary(entry)]));
  const ratio = (top, bottom) => {
    const [x, y] = [byId[top], byId[bottom]];
    if (!x || !y || x.status !== 'measured' || y.status !== 'measured' || !(y.rps > 0)) return { of: `${top}/${bottom}`, status: 'not measured' };
    return { of: `${top}/${bottom}`, status: 'measured', throughput: x.rps / y.rps, p99: x.p99 / y.p99, cpuPerRequest: x.cpuMsPerRequest / y.cpuMsPerRequest, peakRss: x.peakRssMb / y.peakRssMb };
  };
  const ratios = { 'c/b': ratio('c', 'b'), 'd/b': ratio('d', 'b'), 'c/a': ratio('c', 'a'), ...(byId.e ? { 'e/c': ratio('e', 'c') } : {}) };
  const targets = {
    'c/b': { text: 'throughput ≥ 0.9, p99 ≤ 1.2×', met: ratios['c/b'].status === 'measured' ? ratios['c/b'].throughput >= 0.9 && ratios['c/b'].p99 <= 1.2 : undefined },
    'd/b': { text: 'throughput ≥ 0.85', met: ratios['d/b'].status === 'measured' ? ratios['d/b'].throughput >= 0.85 : undefined },
    'c/a': { text: 'throughput ≥ 4', met: ratios['c/a'].status === 'measured' ? ratios['c/a'].throughput >= 4 : undefined },
    ...(byId.e ? { 'e/c': { text: 'none (2 workers against 1; CPU 1 is shared with the subgraphs)', met: undefined } } : {}),
  };

  const results = {
    scenario: 'gateway',
    generatedAt: new Date().toISOString(),
    wallClockSeconds: Math.round((Date.now() - startedAt) / 1000),
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((n) => n.toFixed(2)) },
    note: options.note ?? null,
    settings: {
      connections: options.connections,
      rounds: options.rounds,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      pinning: { gateways: `CPU ${GATEWAY_CPU} (taskset -c ${GATEWAY_CPU}), one process each`, subgraphsNatsAndLoadGenerator: `CPU ${LOAD_CPU} (taskset -c ${LOAD_CPU})` },
      nodeOptions: 'none (no --max-old-space-size)',
      cpuProfile: options.cpuProfDir ? `node --cpu-prof into ${options.cpuProfDir} (numbers include the profiler)` : 'off',
      ourGatewayEnv: { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...RATE_LIMIT, NATS: 'on (revocations, API keys)', METRICS: 'on', SUBGRAPH_DEDUP: 'on (default)', tracing: 'no exporter (default)' },
      // The runtime's defaults: its HTTP executor shares identical in-flight subgraph requests across callers,
      // which ours turns off (the viewer header differs) in favour of sharing within one viewer.
      bareEngine: 'runtime defaults, including the HTTP executor sharing identical in-flight subgraph requests across callers',
      bareApolloGateway: '@apollo/server standalone + @apollo/gateway, defaults, no viewer signing',
      signedInViewers: VIEWER_COUNT,
      versions: {
        '@apollo/gateway': packageVersion('@apollo/gateway'),
        '@apollo/server': packageVersion('@apollo/server'),
        '@graphql-hive/gateway-runtime': packageVersion('@graphql-hive/gateway-runtime'),
        '@graphql-hive/router-runtime': packageVersion('@graphql-hive/router-runtime'),
        '@graphql-mesh/transport-http': packageVersion('@graphql-mesh/transport-http'),
      },
    },
    workload: { subgraphs: Object.keys(SUBGRAPHS), responseBytes: expected.text.length, subgraphPeakRssMb: subgraphRss },
    entries: byId,
    ratios,
    targets: { ...targets, peakRss: { text: 'c peak RSS ≤ 300 MB', met: byId.c?.peakRssMb == null ? undefined : byId.c.peakRssMb <= 300 } },
  };

  fs.mkdirSync(options.out, { recursive: true });
  fs.writeFileSync(path.join(options.out, 'gateway.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = formatGatewayMarkdown(results);
  fs.writeFileSync(path.join(options.out, 'gateway.md'), markdown);
  const bars = Object.values(byId)
    .filter((entry) => entry.status === 'measured')
    .map((entry) => ({ scenario: 'gateway workload (87 KB)', target: `${entry.id}) ${entry.name}`, rps: entry.rps, p99: entry.p99 }));
  fs.writeFileSync(path.join(options.out, 'gateway.svg'), await renderChart(bars));
  console.log(`\n${markdown.split('\n## ')[0]}`);
  log(`results: ${path.relative(process.cwd(), options.out) || '.'}/gateway.{md,json,svg} (${results.wallClockSeconds} s)`);
  return results;
}
