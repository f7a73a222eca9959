// Side by side on a noisy machine: every target is warmed up, then measured
// in rounds whose order alternates (A B, B A, ...), so drift in the machine's
// load hits all targets alike; medians of the rounds are reported.
import { measureLoad } from './measureLoad.mjs';
import { median } from './median.mjs';

/**
 * A target may bring its own request (S2 and S3 run in the same rounds as S1): body, tokens, authHeaders, check.
 * @param {{ targets: { name: string, url: string, body?: string, tokens?: string[], authHeaders?: (token: string) => Record<string, string>, check?: (body: string) => string | null }[], body: string, tokens: string[], connections: number,
 *   durationSeconds: number, warmupSeconds: number, rounds: number, log: (line: string) => void }} options
 */
export async function interleaveRounds({ targets, body, tokens, connections, durationSeconds, warmupSeconds, rounds, log }) {
  const request = (target) => ({ url: target.url, body: target.body ?? body, tokens: target.tokens ?? tokens, authHeaders: target.authHeaders, check: target.check, connections });
  for (const target of targets) {
    const warm = await measureLoad({ ...request(target), durationSeconds: warmupSeconds });
    log(`  warm-up ${target.name}: ${warm.rps.toFixed(0)} req/s`);
  }
  const samples = Object.fromEntries(targets.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const sample = await measureLoad({ ...request(target), durationSeconds });
      samples[target.name].push(sample);
      const bad = sample.graphqlErrors + sample.non2xx + sample.socketErrors + sample.timeouts;
      log(`  round ${round + 1}/${rounds} ${target.name}: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99} ms${bad ? `, ${bad} failed (${sample.firstError ?? 'non-2xx/socket'})` : ''}`);
    }
  }
  return Object.fromEntries(
    targets.map((target) => {
      const list = samples[target.name];
      const sum = (key) => list.reduce((total, sample) => total + sample[key], 0);
      return [
        target.name,
        {
          rps: median(list.map((s) => s.rps)),
          p50: median(list.map((s) => s.p50)),
          p99: median(list.map((s) => s.p99)),
          requests: sum('requests'),
          failed: sum('graphqlErrors') + sum('non2xx') + sum('socketErrors') + sum('timeouts'),
          rounds: list.map(({ rps, p50, p99 }) => ({ rps: Math.round(rps * 10) / 10, p50, p99 })),
        },
      ];
    }),
  );
}
