// The human-readable side of a run: one summary table (what the README links),
// then the detail behind each number.

const f0 = (n) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const verdict = (met) => (met === undefined ? '' : met ? 'met' : '**not met**');
/** A ratio of two medians is only a verdict when both arms completed requests. */
const ratioVerdict = (met, ...arms) => (arms.every((arm) => arm.rps > 0) ? verdict(met) : 'not measured: no request completed in a round');

/** @param {any} r the results object run.mjs writes as latest.json */
export function formatResultsMarkdown(r) {
  const s = r.scenarios;
  const rows = [];
  const load = `${r.options.connections} connections, ${r.options.rounds} interleaved rounds × ${r.options.durationSeconds} s, medians`;
  if (s.S1.status === 'measured') {
    rows.push(['S1', `profile screen (me + hiringProfile + consents + recentCalls, 4 subgraphs), ${load}`, `${f0(s.S1.rps)} req/s, p50 ${f0(s.S1.p50)} ms, p99 ${f0(s.S1.p99)} ms`, '–', '']);
  } else rows.push(['S1', 'profile screen', s.S1.reason, '–', '']);
  if (s.S2.status === 'measured') {
    rows.push(['S2', `partner candidate search, ${s.S2.candidatesPerRequest} candidates per request (partner API key), this gateway only, same rounds as S1 (${s.S2.baseline})`, `${f0(s.S2.rps)} req/s, p50 ${f0(s.S2.p50)} ms, p99 ${f0(s.S2.p99)} ms`, '–', '']);
  } else rows.push(['S2', 'partner candidate search, 50 candidates', s.S2.reason, '–', '']);
  if (s.S3.status === 'measured') {
    rows.push(['S3', `job recommendations (me.jobRecommendations(first: 10) over ${s.S3.jobs} seeded open jobs, the ${s.S3.users} users with HIRING_RECOMMENDATIONS), same rounds as S1`, `${f0(s.S3.rps)} req/s, p50 ${f0(s.S3.p50)} ms, p99 ${f0(s.S3.p99)} ms`, '–', '']);
  } else rows.push(['S3', 'job recommendations', s.S3.reason, '–', '']);
  if (s.S4.status === 'measured') {
    rows.push(['S4', 'S1 with CONSENT_ENFORCEMENT=disabled-for-benchmark on NODE_ENV=test subgraphs (overhead ratio = on / off throughput)', `ratio ${f2(s.S4.ratio)} (on ${f0(s.S4.on.rps)} / off ${f0(s.S4.off.rps)} req/s)`, '≥ 0.97', ratioVerdict(s.S4.met, s.S4.on, s.S4.off)]);
  } else rows.push(['S4', 'enforcement overhead', s.S4.reason, '≥ 0.97', '']);
  if (s.S5.status === 'measured') {
    rows.push([
      'S5',
      `S1 load: this gateway vs bare @apollo/gateway (security directives stripped), interleaved`,
      `throughput ×${f2(s.S5.throughputRatio)} (${f0(s.S5.hive.rps)} vs ${f0(s.S5.apollo.rps)} req/s); p99 ${f0(s.S5.hive.p99)} vs ${f0(s.S5.apollo.p99)} ms`,
      '≥ 3.5×, lower p99',
      ratioVerdict(s.S5.met, s.S5.hive, s.S5.apollo),
    ]);
  } else rows.push(['S5', 'this gateway vs bare @apollo/gateway', s.S5.reason, '≥ 3.5×, lower p99', '']);
  if (s.S6.status === 'measured') {
    const counts = s.S6.rows.map((row) => (row.status === 'measured' ? `N=${row.n}: ${row.commands}` : `N=${row.n}: –`));
    const measured = s.S6.rows.filter((row) => row.status === 'measured').map((row) => row.commands);
    const flat = measured.length >= 2 ? measured.every((n) => n === measured[0]) : undefined;
    rows.push(['S6', 'MongoDB commands per S2 request (counted through a proxy, see S6 detail)', counts.join(', '), 'flat in N', verdict(flat)]);
  } else rows.push(['S6', 'MongoDB commands per S2 request at N = 10/50/200', s.S6.reason, 'flat in N', '']);
  if (s.S7.status === 'measured') {
    const reported = Object.entries(s.S7.enforcedAfterDecision ?? {}).map(([name, m]) => `${name} p50 ${f1(m.p50)} ms, p99 ${f1(m.p99)} ms (n ${m.n})`).join('; ');
    rows.push(['S7', `consent withdrawal → other subgraph enforces (${s.S7.withdrawals} of ${s.S7.requested} withdrawals within the ${s.S7.budgetSeconds} s cap, ${s.S7.workers} at a time)`, `decision → enforced, as the subgraphs report it (consent_propagation_seconds): ${reported || '–'}. Probed from the client: denial seen p50 ${f1(s.S7.latency.p50)} ms, p99 ${f1(s.S7.latency.p99)} ms (probe round trip ${f1(s.S7.probeRoundTripMs)} ms)${s.S7.sentLatency ? `; denying probe sent p50 ${f1(s.S7.sentLatency.p50)} ms, p99 ${f1(s.S7.sentLatency.p99)} ms; ${s.S7.deniedOnFirstProbe} of ${s.S7.withdrawals} denied by the first probe` : ''}`, 'p99 < 50 ms', verdict(s.S7.met)]);
  } else {
    const counts = s.S7.requested ? ` (${s.S7.failedWithdrawals} withdrawals failed, ${s.S7.timedOut} not denied within 5 s, in the ${s.S7.budgetSeconds} s cap; probe round trip ${f0(s.S7.probeRoundTripMs)} ms)` : '';
    rows.push(['S7', 'consent withdrawal propagation', `${s.S7.reason}${counts}`, 'p99 < 50 ms', '']);
  }
  const gw = s.S8.processes.find((p) => p.name === 'gateway');
  rows.push([
    'S8',
    'start to ready; peak RSS under S1/S5 load',
    `gateway ${gw ? `${gw.readyMs} ms, ${f0(gw.peakRssMb)} MB` : '–'}; subgraphs ${s.S8.processes.filter((p) => !/gateway|apollo/.test(p.name)).map((p) => `${p.name} ${p.readyMs} ms/${f0(p.peakRssMb)} MB`).join(', ')}`,
    `gateway < 300 MB at ${r.options.connections} conns`,
    verdict(s.S8.met),
  ]);

  if (s.S9?.status === 'measured') {
    rows.push([
      'S9',
      `call set-up: startCall sent → callee's incomingCall frame (graphql-ws), ${s.S9.calls} calls (${s.S9.missed} missed, ${s.S9.refused} refused) under S1 load (${s.S9.background.connections} connections, ${f0(s.S9.background.rps)} req/s)`,
      `p50 ${f1(s.S9.p50Ms)} ms, p99 ${f1(s.S9.p99Ms)} ms (after startCall's response: p50 ${f1(s.S9.afterResponseP50Ms)} ms, p99 ${f1(s.S9.afterResponseP99Ms)} ms)`,
      'p99 < 100 ms',
      verdict(s.S9.met),
    ]);
  } else if (s.S9) rows.push(['S9', 'call set-up latency', s.S9.reason, 'p99 < 100 ms', '']);
  if (s.S10?.status === 'measured') {
    rows.push([
      'S10',
      `signals relayed between two participants (sendCallSignal back to back → callSignal subscription)`,
      `${f1(s.S10.signalsPerSecond)} signals/s, ${s.S10.received} of ${s.S10.sent} ${s.S10.inOrder ? 'in order' : '**out of order**'} (sending ran at ${f1(s.S10.sendRatePerSecond)}/s; last signal ${f0(s.S10.lastSignalAfterLastSendMs)} ms after the last send)`,
      'all, in order',
      verdict(s.S10.inOrder && s.S10.received === s.S10.sent),
    ]);
  } else if (s.S10) rows.push(['S10', 'signals relayed', s.S10.reason, 'all, in order', '']);

  const lines = [
    `# Benchmark results`,
    '',
    `Run ${r.generatedAt} on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGb} GB, Node ${r.machine.node}, ${r.machine.mongo} + NATS; load average at start ${r.machine.loadAverage.join(' / ')}.`,
    `Dataset: ${r.dataset.users} users with hiring profiles, ${r.dataset.consentStates} consent states, ${r.dataset.calls} calls (${r.dataset.callChanges} call changes). All processes NODE_ENV=production (but the S4 enforcement-off subgraphs: NODE_ENV=test, since production refuses the switch), LOG_LEVEL=warn.`,
    ...(r.lookupProbe
      ? [
          `Database probe after seeding (${r.lookupProbe.documents} consent states): a lookup by \`_id\` takes ${r.lookupProbe.byIdMs} ms, by the indexed \`userId\` ${r.lookupProbe.byFieldMs} ms (medians).` +
            (r.lookupProbe.byFieldMs > 5 * Math.max(1, r.lookupProbe.byIdMs)
              ? ' The database does not serve non-_id filters from indexes (FerretDB 1.x on SQLite pushes down only _id equality), so every consents/recentCalls query and every outbox relay poll is a full collection scan: S1, S7 and the S5 ratio below measure that first. Run with `--backend postgresql`, or `MONGODB_URI=` pointing at a real MongoDB, to measure the gateway and subgraphs instead.'
              : ''),
        ]
      : []),
    `Requests still in flight when a round ends are not counted; ${r.options.durationSeconds} s rounds cannot see requests slower than that.`,
    `Absolute numbers on a shared 2-core machine that also runs the load generator, NATS and the database are noise; the ratios were measured side by side in one run.`,
    '',
    '| | scenario | result | target | |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    '![throughput and p99 per scenario](latest.svg)',
    '',
  ];
  if (s.S5.status === 'measured') {
    lines.push('## Rounds (S1/S5)', '', '| round | this gateway req/s | p99 ms | @apollo/gateway req/s | p99 ms |', '| --- | --- | --- | --- | --- |');
    s.S5.hive.rounds.forEach((round, i) => {
      const a = s.S5.apollo.rounds[i];
      lines.push(`| ${i + 1} | ${f0(round.rps)} | ${round.p99} | ${f0(a?.rps)} | ${a?.p99 ?? '–'} |`);
    });
    lines.push('', `Failed requests (GraphQL errors, non-2xx, socket errors, timeouts): this gateway ${s.S5.hive.failed} of ${s.S5.hive.requests}, @apollo/gateway ${s.S5.apollo.failed} of ${s.S5.apollo.requests}.`, '');
  }
  if (s.S7.status === 'measured') {
    lines.push(
      '## S7 detail',
      '',
      'Two measures. The subgraphs report, in `consent_propagation_seconds`, the time from the decision (its `updatedAt`, taken before the consent subgraph stores it) to their projection enforcing it; the verdict is on that. ' +
        `The client side: from holding the withdrawConsent response to the first back-to-back probe of the owning subgraph (a recipient's signed viewer: another user, or a service with hiring:recommendations) that comes back CONSENT_REQUIRED, an upper bound that includes the probe's own round trip. ${s.S7.timedOut} timed out (> 5 s), ${s.S7.skipped} skipped (not readable before), ${s.S7.failedWithdrawals} withdrawals failed${s.S7.firstFailure ? ` (first: \`${s.S7.firstFailure}\`)` : ''}.`,
      '',
      '| subgraph (purpose) | n | p50 ms | p99 ms | max ms |',
      '| --- | --- | --- | --- | --- |',
      ...Object.entries(s.S7.bySubgraph).map(([name, v]) => `| ${name} (${name === 'hiring' ? 'HIRING_RECOMMENDATIONS, User.jobRecommendations' : 'CONTACT_DISCOVERY, User.phoneNumber'}) | ${v.n} | ${f1(v.p50)} | ${f1(v.p99)} | ${f1(v.max)} |`),
      `| snapshot seen on NATS by the bench (negative: before the response) | ${s.S7.snapshotOnNats.n} | ${f1(s.S7.snapshotOnNats.p50)} | ${f1(s.S7.snapshotOnNats.p99)} | ${f1(s.S7.snapshotOnNats.max)} |`,
      '',
    );
  }
  const extraRounds = ['S2', 'S3'].filter((id) => s[id].status === 'measured');
  if (extraRounds.length) {
    lines.push(`## Rounds (${extraRounds.join('/')})`, '', `| round | ${extraRounds.map((id) => `${id} req/s | p99 ms`).join(' | ')} |`, `| --- | ${extraRounds.map(() => '--- | ---').join(' | ')} |`);
    s[extraRounds[0]].rounds.forEach((_, i) => lines.push(`| ${i + 1} | ${extraRounds.map((id) => `${f0(s[id].rounds[i]?.rps)} | ${s[id].rounds[i]?.p99 ?? '–'}`).join(' | ')} |`));
    lines.push('', `Failed requests: ${extraRounds.map((id) => `${id} ${s[id].failed} of ${s[id].requests}`).join(', ')}. S2 counts CONSENT_REQUIRED errors (skills and history withheld from candidates without EMPLOYER_SHARING) as correct; any other error, or a page without the 50 candidates, as failed.`, '');
  }
  if (s.S6.status === 'measured') {
    lines.push('## S6 detail', '', `Method: ${s.S6.method}.`, '', '| N | commands (median) | samples | commands of a typical request |', '| --- | --- | --- | --- |');
    for (const row of s.S6.rows) lines.push(row.status === 'measured' ? `| ${row.n} | ${row.commands} | ${row.samples.join(', ')} | ${row.example.join(', ') || '–'} |` : `| ${row.n} | – | – | ${row.reason} |`);
    lines.push('');
  }
  lines.push('## S8 detail', '', 'Each process started alone over the seeded dataset (subgraphs replay the consent state stream before they report ready).', '', '| process | start to ready ms | peak RSS MB (VmHWM) |', '| --- | --- | --- |');
  for (const p of s.S8.processes) lines.push(`| ${p.name} | ${p.readyMs} | ${f1(p.peakRssMb)} |`);
  lines.push('', `Raw numbers: [latest.json](latest.json).`, '');
  return lines.join('\n');
}
