// The human-readable side of `--scenario gateway`: the entries side by side,
// the ratios the issue sets targets for, then every round.

const f0 = (n) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const verdict = (met) => (met === undefined ? 'not measured' : met ? 'met' : '**not met**');

/** @param {any} r the results object runGatewayScenario writes as gateway.json */
export function formatGatewayMarkdown(r) {
  const s = r.settings;
  const entries = Object.values(r.entries);
  const lines = [
    '# Gateway benchmark results (`npm run bench -- --scenario gateway`)',
    '',
    `Run ${r.generatedAt} on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGb} GB, Node ${r.machine.node}; load average ${r.machine.loadAverageAtStart.join(' / ')} at start, ${r.machine.loadAverageAtEnd.join(' / ')} at end.`,
    ...(r.note ? ['', `**Note:** ${r.note}`] : []),
    '',
    `Workload: the public gateway benchmark's (graphql-hive/graphql-gateways-benchmark) accounts, inventory, products and reviews subgraphs with static data and its one query, ${r.workload.responseBytes} bytes per response; every response is compared with the expected data. ` +
      `${s.connections} connections, ${s.rounds} interleaved rounds × ${s.durationSeconds} s after ${s.warmupSeconds} s of warm-up each; medians of the rounds. ` +
      `Each entry is one process on ${s.pinning.gateways}; the subgraphs, NATS and the load generator (autocannon) on ${s.pinning.subgraphsNatsAndLoadGenerator}. NODE_OPTIONS: ${s.nodeOptions}. CPU profile: ${s.cpuProfile ?? 'off'}.`,
    '',
    `Bare engine (b): ${s.bareEngine}. Bare @apollo/gateway (a): ${s.bareApolloGateway}.`,
    '',
    `Our gateway (c, d): ${Object.entries(s.ourGatewayEnv).map(([k, v]) => `${k}=${v}`).join(', ')}; (d) sends one of ${s.signedInViewers} signed-in users' session tokens with each request. ` +
      `Versions: ${Object.entries(s.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '| entry | req/s | p50 ms | p99 ms | CPU ms / request | CPU 0 busy (entry) | CPU 1 busy (subgraphs, NATS, load) | peak RSS MB | failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...entries.map((e) =>
      e.status === 'measured'
        ? `| ${e.id}) ${e.name} | ${f0(e.rps)} | ${f0(e.p50)} | ${f0(e.p99)} | ${f2(e.cpuMsPerRequest)} | ${f0(e.coreBusy * 100)} % | ${f0(e.loadSideBusy * 100)} % | ${f0(e.peakRssMb)} | ${e.failed} of ${e.requests} |`
        : `| ${e.id}) ${e.name} | ${e.reason} | | | | | | ${f0(e.peakRssMb)} | |`,
    ),
    '',
    '| ratio | throughput | p99 | CPU / request | peak RSS | target | |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(r.ratios).map(([name, q]) =>
      q.status === 'measured'
        ? `| ${name} | ${f2(q.throughput)} | ${f2(q.p99)} | ${f2(q.cpuPerRequest)} | ${f2(q.peakRss)} | ${r.targets[name].text} | ${r.targets[name].text.startsWith('none') ? '' : verdict(r.targets[name].met)} |`
        : `| ${name} | not measured | | | | ${r.targets[name].text} | |`,
    ),
    `| c peak RSS | ${f0(r.entries.c?.peakRssMb)} MB | | | | ≤ 300 MB | ${verdict(r.targets.peakRss.met)} |`,
    '',
    'CPU ms / request: utime + stime of the entry process (all threads, /proc/<pid>/stat) over the round, divided by the requests it completed. "Busy" is CPU time over the wall time of the round: the entry near 100 % of CPU 0 with CPU 1 below it says the gateway set the pace. Both below 100 % means something else (other work on the machine) took the cores.',
    `Absolute numbers depend on the machine and on what else runs on it; the ratios were measured side by side in one run. Requests still in flight when a round ends are not counted.`,
    '',
    '![throughput and p99 per entry](gateway.svg)',
    '',
    '## Rounds',
    '',
    `| round | ${entries.map((e) => `${e.id} req/s | ${e.id} p99 ms | ${e.id} CPU ms/req`).join(' | ')} |`,
    `| --- | ${entries.map(() => '--- | --- | ---').join(' | ')} |`,
  ];
  const roundCount = Math.max(0, ...entries.map((e) => e.rounds?.length ?? 0));
  for (let i = 0; i < roundCount; i += 1) {
    lines.push(`| ${i + 1} | ${entries.map((e) => { const x = e.rounds?.[i]; return x ? `${f0(x.rps)} | ${x.p99} | ${f2(x.cpuMsPerRequest)}` : '– | – | –'; }).join(' | ')} |`);
  }
  lines.push('', `Start to ready: ${entries.map((e) => `${e.id} ${e.readyMs} ms`).join(', ')}. Subgraph peak RSS: ${Object.entries(r.workload.subgraphPeakRssMb).map(([n, mb]) => `${n} ${f1(mb)} MB`).join(', ')}.`, '', 'Raw numbers: [gateway.json](gateway.json).', '');
  return lines.join('\n');
}
