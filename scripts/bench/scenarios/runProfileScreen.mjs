// S1 (profile screen through this gateway), S5 (the same against a bare
// @apollo/gateway) and, once subgraphs can switch enforcement off, S4 (the
// same with CONSENT_ENFORCEMENT=off): one interleaved run, so every ratio
// comes from measurements taken side by side.
import { graphqlPost } from '../lib/graphqlPost.mjs';
import { interleaveRounds } from '../lib/interleaveRounds.mjs';
import { PROFILE_SCREEN_QUERY, profileScreenProblem } from './profileScreenQuery.mjs';

/**
 * extraTargets (S2, S3): checked by their scenario already, measured in the same rounds.
 * @param {{ targets: { name: string, url: string }[], extraTargets?: any[], tokens: string[], options: any, log: (line: string) => void }} context
 */
export async function runProfileScreen({ targets, extraTargets = [], tokens, options, log }) {
  // A target that answers wrongly is reported, never timed.
  const valid = [];
  const invalid = {};
  for (const target of targets) {
    const problems = [];
    for (const token of tokens.slice(0, 5)) {
      const { body } = await graphqlPost(target.url, PROFILE_SCREEN_QUERY, {}, { authorization: `Bearer ${token}` });
      const problem = profileScreenProblem(body);
      if (problem) problems.push(problem);
    }
    if (problems.length) {
      invalid[target.name] = problems[0];
      log(`S1: ${target.name} does not answer the profile screen correctly: ${problems[0]}`);
    } else valid.push(target);
  }
  valid.push(...extraTargets);
  log(`S1/S5${extraTargets.length ? '/S2/S3' : ''}: ${valid.map((t) => t.name).join(' vs ')}, ${options.connections} connections, ${options.rounds} interleaved rounds of ${options.durationSeconds} s`);
  const results = valid.length
    ? await interleaveRounds({
        targets: valid,
        body: JSON.stringify({ query: PROFILE_SCREEN_QUERY }),
        tokens,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        rounds: options.rounds,
        log,
      })
    : {};
  return { results, invalid };
}
