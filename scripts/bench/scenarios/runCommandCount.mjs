// S6: MongoDB commands per S2 request (partner candidate search) at N = 10, 50
// and 200 candidates. A separate copy of the graph runs with its MongoDB
// traffic through a counting proxy (lib/countingMongoProxy.mjs), so the load
// targets are not slowed by it; each request is counted alone, three times,
// and the median reported. Work that runs at its own pace and not for the
// request (outbox relay polls, consent projection writes, API key lookups and
// usage flushes, handshakes) is left out, as in the hiring N+1 e2e test.
import { graphqlPost } from '../lib/graphqlPost.mjs';
import { median } from '../lib/median.mjs';
import { candidateSearchProblem, candidateSearchQuery } from './partnerSearch.mjs';

export const S6_SIZES = [10, 50, 200];
const SAMPLES = 3;

function isBackground({ name, target, doc }) {
  if (['hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'buildInfo', 'saslStart', 'saslContinue'].includes(name)) return true;
  if (['api_keys', 'organizations'].includes(target) && ['find', 'update'].includes(name)) return true;
  if (target === 'consent_projection') return true;
  // The consent projections' tombstone poll and guarded writes (ERASED_USERS_POLL_MS): reads never consult tombstones.
  if (target === 'erased_users') return true;
  // calls' ring-out sweeper and retention sweep, on their own timers.
  if (target === 'calls' && name === 'find' && /"(ringingUntil|phase)"/.test(JSON.stringify(doc.filter ?? {}))) return true;
  return JSON.stringify(doc.filter ?? doc.q ?? doc.updates ?? {}).includes('_outbox');
}

/** @param {{ gatewayUrl: string, proxy: Awaited<ReturnType<import('../lib/countingMongoProxy.mjs').startCountingMongoProxy>>, secret: string, candidatePool: number, log: (line: string) => void }} context */
export async function runCommandCount({ gatewayUrl, proxy, secret, candidatePool, log }) {
  const headers = { 'x-api-key': secret };
  // Once outside the counts: the gateway resolves and caches the key, connections open.
  await graphqlPost(gatewayUrl, candidateSearchQuery(10), {}, headers);
  const rows = [];
  for (const n of S6_SIZES) {
    if (n > candidatePool) {
      rows.push({ n, status: 'not measured', reason: `only ${candidatePool} consenting candidates in the dataset` });
      continue;
    }
    const samples = [];
    let problem = null;
    for (let i = 0; i < SAMPLES; i += 1) {
      let body;
      const seen = await proxy.record(async () => {
        ({ body } = await graphqlPost(gatewayUrl, candidateSearchQuery(n), {}, headers));
      });
      problem ??= candidateSearchProblem(body, n);
      const counted = seen.filter((command) => !isBackground(command));
      samples.push({ total: seen.length, commands: counted.map(({ db, name, target }) => `${db}:${name}${target ? `:${target}` : ''}`) });
    }
    if (problem) {
      rows.push({ n, status: 'not measured', reason: problem });
      continue;
    }
    const counts = samples.map((sample) => sample.commands.length);
    const typical = samples.find((sample) => sample.commands.length === median(counts));
    rows.push({ n, status: 'measured', commands: median(counts), samples: counts, example: typical?.commands ?? samples[0].commands, backgroundSeen: samples.map((s) => s.total - s.commands.length) });
    log(`  S6: N=${n}: ${median(counts)} commands (samples ${counts.join(', ')}): ${(typical ?? samples[0]).commands.join(', ')}`);
  }
  return rows;
}
