#!/usr/bin/env node
// npm run soak: a bounded soak of the whole graph. Starts its own NATS and
// MongoDB-wire server on free ports with fresh data, the four subgraphs and
// the gateway as separate processes (from sources, transpiled on load), signs
// up users, then drives a fixed-concurrency mix of reads and writes through
// the gateway and reports errors, latency percentiles per minute and the RSS
// growth of every process after warm-up. `--url` targets a running graph
// instead (no RSS figures then). Not part of npm test.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const services = require('./lib/services.js');
const { subgraphs } = require('./lib/subgraphList.js');
const { ensureDevKeysIn } = require('./lib/devKeys.js');
// Same launcher the reliability tests use to run a service from its TypeScript sources.

const HELP = `usage: npm run soak -- [--minutes N] [--concurrency N] [--users N] [--warmup-minutes N] [--heap-after-gc] [--url URL]
  --minutes N         how long to drive load (default 10)
  --concurrency N     requests in flight at all times (default 16)
  --users N           users signed up before the load (default 40)
  --warmup-minutes N  excluded from the RSS baseline (default: 1, or a tenth of --minutes when shorter)
  --heap-after-gc     also report each service's heap used after a forced full GC every 10 s (what it still
                      holds, free of RSS's allocator noise); the forced GCs change the processes' RSS too
  --url URL           a running gateway's /graphql (e.g. from npm start); nothing is started, no RSS figures
Target: zero errors, under 10% RSS growth after warm-up.`;

function parseArgs(argv) {
  const options = { minutes: 10, concurrency: 16, users: 40, warmupMinutes: undefined, url: undefined, heapAfterGc: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      console.log(HELP);
      process.exit(0);
    }
    const numeric = { '--minutes': 'minutes', '--concurrency': 'concurrency', '--users': 'users', '--warmup-minutes': 'warmupMinutes' }[flag];
    if (numeric) {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} expects a positive number, got ${value}`);
      options[numeric] = n;
      i += 1;
    } else if (flag === '--heap-after-gc') {
      options.heapAfterGc = true;
    } else if (flag === '--url') {
      options.url = value;
      i += 1;
    } else throw new Error(`unknown argument ${flag}\n${HELP}`);
  }
  options.warmupMinutes ??= Math.min(1, options.minutes / 10);
  return options;
}

/** Extra node flags for every service started (diagnostics: --require a hook, --cpu-prof); none by default. */
const SOAK_NODE_ARGS = process.env.SOAK_NODE_ARGS ? process.env.SOAK_NODE_ARGS.split(' ').filter(Boolean) : [];

/** Answers slower than this are listed with their time (a client-visible stall, even when it did not fail). */
const SLOW_MS = 2_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitReady(url, child, name) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting: ${child.logTail?.() ?? ''}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await sleep(200);
  }
  throw new Error(`${name} not ready at ${url} within 60 s`);
}

/** Starts NATS, the MongoDB-wire server, four subgraphs and the gateway; returns the gateway URL, the pids and a stop(). */
async function startGraph({ heapAfterGc }) {
  const nats = await services.startNats({});
  const mongo = await services.startMongo({});
  // Production mode over the built services, as operators run them.
  execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  const keys = ensureDevKeysIn(mkdtempSync(path.join(os.tmpdir(), 'soak-keys-')));
  const viewer = keys.viewer;
  const session = keys.session;
  const children = [];
  const logs = {};
  const heapFiles = {};
  const heapDir = heapAfterGc ? mkdtempSync(path.join(os.tmpdir(), 'soak-heap-')) : null;
  const spawnService = (name, entry, env, args = []) => {
    const probe = heapDir ? ['--expose-gc', '-r', path.join(root, 'scripts', 'lib', 'heapFloorProbe.js')] : [];
    if (heapDir) heapFiles[name] = path.join(heapDir, `${name}.log`);
    const probeEnv = heapDir ? { SOAK_HEAP_FILE: heapFiles[name] } : {};
    const child = spawn(process.execPath, [...probe, ...SOAK_NODE_ARGS, entry, ...args], { env: { PATH: process.env.PATH, ...env, ...probeEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    logs[name] = '';
    const keep = (chunk) => (logs[name] = (logs[name] + chunk.toString('utf8')).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    children.push({ name, child });
    child.logTail = () => logs[name].slice(-1500);
    return child;
  };
  const common = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_URI: mongo.uri,
    NATS_URL: nats.url,
    DATABASE_PREFIX: `soak_${Date.now().toString(36)}`,
    VIEWER_PUBLIC_KEY: viewer.publicKey,
  };
  // Every stream up front, as the operator (admin role) would: the subgraphs start one after another below.
  const { EventBus, STREAM_NAMES, createLogger } = require(path.join(root, 'subgraphs', 'kit', 'dist', 'index.js'));
  const admin = await EventBus.connect({ url: nats.url, role: 'admin', nkeySeed: nats.credentials.admin.seed, name: 'soak-provision', timeoutMs: 10_000, logger: createLogger({ name: 'soak', level: 'warn' }) });
  await admin.provisionStreams(STREAM_NAMES);
  await admin.close();
  const urls = {};
  for (const { name } of subgraphs) {
    const port = await services.getFreePort();
    const child = spawnService(name, path.join(root, 'subgraphs', name, 'dist', 'main.js'), {
      ...common,
      PORT: String(port),
      NATS_NKEY_SEED: nats.credentials[name].seed,
      SESSION_PRIVATE_KEY: session.privateKey,
      ...keys.identitySecrets,
      ...keys.hiringSecrets,
      // The soak never verifies anyone: a provider is required in production (https), this one is never called.
      VERIFICATION_PROVIDER: 'http',
      VERIFICATION_PROVIDER_URL: 'https://127.0.0.1:9/unused-by-the-soak',
      // A soak measures the graph, not scrypt; sign-ins still run the real hash, at test cost.
      SCRYPT_LOG_N: '12',
    });
    urls[name] = `http://127.0.0.1:${port}/graphql`;
    await waitReady(`http://127.0.0.1:${port}/ready`, child, name);
  }
  const gatewayPort = await services.getFreePort();
  const gateway = spawnService(
    'gateway',
    path.join(root, 'gateway', 'dist', 'main.js'),
    {
      ...common,
      NATS_NKEY_SEED: nats.credentials.gateway.seed,
      VIEWER_PRIVATE_KEY: viewer.privateKey,
      SESSION_PUBLIC_KEY: session.publicKey,
      RATE_LIMIT_CAPACITY: '1000000',
      RATE_LIMIT_REFILL_PER_SECOND: '1000000',
      ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url])),
    },
    ['--supergraph', path.join(root, 'schema', 'supergraph.graphql'), '--port', String(gatewayPort)],
  );
  await waitReady(`http://127.0.0.1:${gatewayPort}/ready`, gateway, 'gateway');
  return {
    url: `http://127.0.0.1:${gatewayPort}/graphql`,
    processes: children.map(({ name, child }) => ({ name, pid: child.pid, child })),
    logs,
    heapFiles,
    stop: async () => {
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
      await nats.stop();
      await mongo.stop();
    },
  };
}

/** The probe's samples, [{ t, bytes }], or [] before its first. */
function heapSamples(file) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [t, bytes] = line.split(' ').map(Number);
        return { t, bytes };
      });
  } catch {
    return [];
  }
}

/** Growth from the first three samples after warm-up to the last three (medians), or null when too few. */
function growthOf(samples, warmupEnd) {
  const after = samples.filter((s) => s.t >= warmupEnd);
  if (after.length < 4) return null;
  const base = median(after.slice(0, 3).map((s) => s.bytes));
  const end = median(after.slice(-3).map((s) => s.bytes));
  return { base, end, percent: ((end - base) / base) * 100 };
}

function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function gql(url, query, variables, token) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json().catch(() => ({ errors: [{ message: 'non-JSON response' }] }));
  return { status: response.status, body, ms: performance.now() - started };
}

const PASSWORD = 'soak-password-123';
const OPS = [
  // [weight, name, run(user, other) -> { status, body, ms }, errors the operation may legitimately carry]
  [45, 'read me across subgraphs', (u) => gql(url, 'query { me { id handle hiringProfile { headline skills } consents { purpose status } } }', {}, u.token)],
  // EMPLOYER_SHARING goes only to organizations the subject applied to (consentPurposes.ts): a plain user is
  // not a recipient and gets the one refusal that tells nothing (UNAUTHORIZED_FIELD_OR_TYPE), the designed answer.
  [15, 'read another user (consent-gated)', (u, o) => gql(url, 'query($h: String!) { userByHandle(handle: $h) { handle hiringProfile { headline skills } } }', { h: o.handle }, u.token), ['CONSENT_REQUIRED', 'UNAUTHORIZED_FIELD_OR_TYPE']],
  [20, 'write hiring profile', (u) => gql(url, 'mutation($i: HiringProfileInput!) { updateHiringProfile(input: $i) { headline } }', { i: { headline: `Soak ${Date.now() % 100000}`, skills: ['typescript', 'graphql'] } }, u.token)],
  [15, 'grant or withdraw consent', (u) =>
    toggle(u)
      ? gql(url, 'mutation { grantConsent(input: { purpose: EMPLOYER_SHARING, policyVersion: "2026-01" }) { status } }', {}, u.token)
      : gql(url, 'mutation { withdrawConsent(purpose: EMPLOYER_SHARING) { status } }', {}, u.token)],
  [5, 'sign in', (u) => gql(url, 'mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: u.handle, p: PASSWORD })],
];
function toggle(user) {
  user.granted = !user.granted;
  return user.granted;
}
const TOTAL_WEIGHT = OPS.reduce((sum, [w]) => sum + w, 0);
function pickOp() {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const op of OPS) if ((r -= op[0]) < 0) return op;
  return OPS[0];
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

let url;

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const graph = options.url ? null : await startGraph(options);
  url = options.url ?? graph.url;
  const stopAll = async () => graph && (await graph.stop());
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  console.log(`soak: ${options.minutes} min at concurrency ${options.concurrency} against ${url}${graph ? ' (own graph)' : ''}`);

  try {
    const users = [];
    const tag = Date.now().toString(36);
    for (let i = 0; i < options.users; i += 1) {
      const handle = `soak_${tag}_${i}`;
      const r = await gql(url, 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }', { input: { handle, password: PASSWORD, displayName: `Soak ${i}` } });
      if (!r.body.data?.signUp) throw new Error(`sign-up failed: ${JSON.stringify(r.body.errors)}`);
      users.push({ handle, token: r.body.data.signUp.token, granted: false });
    }
    // Access tokens live 15 minutes; a longer soak refreshes them by signing in again.
    const refreshTokens = async () => {
      for (const u of users) {
        const r = await gql(url, 'mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: u.handle, p: PASSWORD });
        if (r.body.data?.signIn) u.token = r.body.data.signIn.token;
      }
    };

    const startedAt = Date.now();
    const endAt = startedAt + options.minutes * 60_000;
    const warmupEnd = startedAt + options.warmupMinutes * 60_000;
    const minutes = [];
    const minuteOf = (t) => Math.floor((t - startedAt) / 60_000);
    const errors = [];
    const slow = {};
    const rss = Object.fromEntries((graph?.processes ?? []).map((p) => [p.name, []]));
    const sampleRss = () => {
      for (const p of graph?.processes ?? []) {
        const bytes = rssBytes(p.pid);
        if (bytes !== null) rss[p.name].push({ t: Date.now(), bytes });
      }
    };
    sampleRss();
    const sampler = setInterval(sampleRss, 10_000);
    let lastRefresh = Date.now();
    let crashed = null;
    for (const p of graph?.processes ?? []) p.child.once('exit', (code, signal) => (crashed ??= `${p.name} exited (${signal ?? code})`));

    const worker = async () => {
      while (Date.now() < endAt && !crashed) {
        if (Date.now() - lastRefresh > 10 * 60_000) {
          lastRefresh = Date.now();
          await refreshTokens();
        }
        const user = users[Math.floor(Math.random() * users.length)];
        const other = users[Math.floor(Math.random() * users.length)];
        const [, name, run, allowed = []] = pickOp();
        let result;
        try {
          result = await run(user, other);
        } catch (error) {
          result = { status: 0, body: { errors: [{ message: String(error?.message ?? error) }] }, ms: 0 };
        }
        const m = (minutes[minuteOf(Date.now())] ??= { requests: 0, errors: 0, latencies: [] });
        m.requests += 1;
        m.latencies.push(result.ms);
        const unexpected = (result.body.errors ?? []).filter((e) => !allowed.includes(e.extensions?.code));
        if (result.status !== 200 || unexpected.length > 0) {
          m.errors += 1;
          if (errors.length < 20) errors.push({ op: name, status: result.status, at: new Date().toISOString(), ms: Math.round(result.ms), errors: unexpected.slice(0, 2) });
        }
        // Slow answers, with when they happened, to set against the services' logs (the 10 s grant of issue 19).
        if (result.ms > SLOW_MS) {
          const s = (slow[name] ??= { count: 0, worstMs: 0, at: [] });
          s.count += 1;
          s.worstMs = Math.max(s.worstMs, Math.round(result.ms));
          if (s.at.length < 10) s.at.push(`${new Date().toISOString()} ${Math.round(result.ms)} ms`);
        }
      }
    };
    const progress = setInterval(() => {
      const i = minuteOf(Date.now()) - 1;
      const m = minutes[i] ?? { requests: 0, errors: 0 };
      process.stdout.write(`  minute ${i + 1}: ${m.requests} requests, ${m.errors} errors\n`);
    }, 60_000);
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    clearInterval(progress);
    clearInterval(sampler);
    sampleRss();

    const rows = minutes.map((m, i) => {
      const sorted = [...(m?.latencies ?? [])].sort((a, b) => a - b);
      return { minute: i + 1, requests: m?.requests ?? 0, rps: ((m?.requests ?? 0) / 60).toFixed(1), errors: m?.errors ?? 0, p50: percentile(sorted, 50).toFixed(1), p99: percentile(sorted, 99).toFixed(1) };
    });
    const totalRequests = rows.reduce((s, r) => s + r.requests, 0);
    const totalErrors = rows.reduce((s, r) => s + r.errors, 0);
    console.log(`\nper minute (latency in ms):`);
    console.table(rows);
    const growth = [];
    for (const [name, samples] of Object.entries(rss)) {
      const r = growthOf(samples, warmupEnd);
      if (!r) continue;
      const row = { process: name, 'rss after warm-up MB': mb(r.base), 'rss at end MB': mb(r.end), 'growth %': r.percent.toFixed(1) };
      const heap = graph.heapFiles[name] ? growthOf(heapSamples(graph.heapFiles[name]), warmupEnd) : null;
      if (heap) Object.assign(row, { 'heap after GC, warm MB': mb(heap.base), 'heap after GC, end MB': mb(heap.end), 'heap growth %': heap.percent.toFixed(1) });
      growth.push(row);
    }
    if (growth.length) {
      console.log(`RSS${options.heapAfterGc ? ' and heap used after a full GC' : ''} after warm-up (${options.warmupMinutes} min) vs end, medians of 3 samples 10 s apart:`);
      console.table(growth);
    }
    const worstGrowth = Math.max(0, ...growth.map((g) => Number(g['growth %'])));
    console.log(`\ntotal: ${totalRequests} requests, ${totalErrors} errors${crashed ? `; ${crashed}` : ''}; worst RSS growth ${growth.length ? `${worstGrowth.toFixed(1)}%` : 'n/a'}`);
    if (errors.length) console.log('first errors:', JSON.stringify(errors, null, 2));
    console.log(`answers slower than ${SLOW_MS} ms: ${Object.keys(slow).length ? JSON.stringify(slow, null, 2) : 'none'}`);
    const report = path.join(os.tmpdir(), `profile-graph-soak-${Date.now()}.json`);
    writeFileSync(report, JSON.stringify({ options, rows, growth, totalRequests, totalErrors, errors, slow, crashed }, null, 2));
    console.log(`report: ${report}`);
    const pass = totalErrors === 0 && !crashed && worstGrowth < 10;
    console.log(pass ? 'soak: PASS (zero errors, RSS growth under 10%)' : 'soak: FAIL (target: zero errors, RSS growth under 10%)');
    if ((crashed || totalErrors > 0) && graph) for (const [name, log] of Object.entries(graph.logs)) if (log) console.log(`--- ${name} log tail\n${log.slice(-3000)}`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await stopAll();
  }
}

main().catch((error) => {
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
