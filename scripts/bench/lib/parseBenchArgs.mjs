// Command line of `npm run bench [-- options]`. Defaults fit a ~10 minute run
// on a 2-core machine; --quick is a tiny dataset and short rounds (smoke test).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './repoRequire.mjs';

export const USAGE = `npm run bench [-- options]
  --scenario gateway   only the gateway-only scenario (issue 19): the public gateway benchmark's
                       workload on four static subgraphs; bare @apollo/gateway, the bare engine and
                       this gateway (anonymous, signed-in), each pinned to CPU 0. Uses --connections,
                       --duration, --warmup, --rounds, --out; writes gateway.{md,json,svg}
  --entries LIST       with --scenario gateway: which entries to run, comma-separated (default a,b,c,d;
                       e is our gateway anonymous with GATEWAY_WORKERS=2, not in the default set)
  --note TEXT          recorded in the results as is (e.g. what else shared the machine)
  --cpu-prof DIR       with --scenario gateway: each entry runs under node --cpu-prof and writes
                       DIR/<entry>.cpuprofile when stopped (the numbers then include the profiler)
  --quick              tiny dataset, short rounds, results to a temp dir (smoke test)
  --users N            seeded users with hiring profiles (default 10000)
  --calls N            seeded calls (default 50000)
  --connections N      concurrent connections for S1/S5 (default 50)
  --duration S         seconds per measured round (default 10)
  --warmup S           seconds of warm-up per target (default 5)
  --rounds N           interleaved rounds (default 5)
  --withdrawals N      S7 consent withdrawals (default 1000)
  --s9-calls N         S9 calls set up under the S1 load (default 1000)
  --s10-signals N      S10 signals relayed in one call (default 200)
  --s7-budget S        time cap for S7 in seconds (default 240)
  --backend B          FerretDB storage when no MONGODB_URI is set: postgresql (default;
                       pushes filters down to SQL) or sqlite (what npm start and npm test use)
  --out DIR            results folder (default scripts/bench/results)
  --no-build           skip turbo build (dist/ must be current)`;

/** Scenarios that run alone with --scenario; without it the bench runs S1 to S8 as before. */
const SCENARIOS = ['gateway'];

export function parseBenchArgs(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      note: { type: 'string' },
      entries: { type: 'string' },
      'cpu-prof': { type: 'string' },
      users: { type: 'string' },
      calls: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      withdrawals: { type: 'string' },
      's7-budget': { type: 'string' },
      's9-calls': { type: 'string' },
      's10-signals': { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string', default: 'postgresql' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const base = values.quick
    ? { users: 200, calls: 1_000, connections: 10, durationSeconds: 2, warmupSeconds: 1, rounds: 2, withdrawals: 40, s7BudgetSeconds: 30, s9Calls: 40, s10Signals: 20, out: path.join(os.tmpdir(), 'profile-graph-bench-quick') }
    : { users: 10_000, calls: 50_000, connections: 50, durationSeconds: 10, warmupSeconds: 5, rounds: 5, withdrawals: 1_000, s7BudgetSeconds: 240, s9Calls: 1_000, s10Signals: 200, out: path.join(root, 'scripts', 'bench', 'results') };
  const number = (name, fallback, min) => {
    if (values[name] === undefined) return fallback;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} expects a whole number ≥ ${min}, got ${values[name]}`);
    return n;
  };
  if (values.scenario !== undefined && !SCENARIOS.includes(values.scenario)) throw new Error(`--scenario expects one of ${SCENARIOS.join(', ')}, got ${values.scenario}`);
  if (!['postgresql', 'sqlite'].includes(values.backend)) throw new Error(`--backend expects postgresql or sqlite, got ${values.backend}`);
  return {
    help: values.help,
    scenario: values.scenario,
    note: values.note,
    entries: parseEntries(values.entries),
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']),
    backend: values.backend,
    quick: values.quick,
    build: !values['no-build'],
    users: number('users', base.users, 10),
    calls: number('calls', base.calls, 0),
    connections: number('connections', base.connections, 1),
    durationSeconds: number('duration', base.durationSeconds, 1),
    warmupSeconds: number('warmup', base.warmupSeconds, 1),
    rounds: number('rounds', base.rounds, 1),
    withdrawals: number('withdrawals', base.withdrawals, 1),
    s7BudgetSeconds: number('s7-budget', base.s7BudgetSeconds, 1),
    s9Calls: number('s9-calls', base.s9Calls, 1),
    s10Signals: number('s10-signals', base.s10Signals, 1),
    out: path.resolve(values.out ?? base.out),
  };
}

/** The gateway scenario's entries to run (--entries a,b,c,d,e); a typo fails before anything starts. */
const GATEWAY_ENTRIES = ['a', 'b', 'c', 'd', 'e'];
function parseEntries(text) {
  if (text === undefined) return ['a', 'b', 'c', 'd'];
  const ids = text.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !GATEWAY_ENTRIES.includes(id));
  if (!ids.length || unknown.length) throw new Error(`--entries expects a comma-separated subset of ${GATEWAY_ENTRIES.join(',')}, got ${text}`);
  return [...new Set(ids)];
}
