// S3: a signed-in user's own job recommendations (User.jobRecommendations,
// owner-only, HIRING_RECOMMENDATIONS) over the seeded open jobs, each request
// as the next user who granted that consent.
import { graphqlPost } from '../lib/graphqlPost.mjs';

export const RECOMMENDATIONS_QUERY = /* GraphQL */ `
  query JobRecommendations {
    me {
      id
      jobRecommendations(first: 10) {
        job { id title organizationName location remote skills }
        score
        matchedSkills
        matchedPreferences
      }
    }
  }
`;

/** Why an answer is wrong, or null. @param {any} body */
export function recommendationsProblem(body) {
  if (body?.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
  const list = body?.data?.me?.jobRecommendations;
  if (!Array.isArray(list)) return 'jobRecommendations is not a list';
  return null;
}

/** @returns {Promise<{ target?: any, problem?: string, sampleSizes: number[] }>} */
export async function recommendationsTarget({ gatewayUrl, tokens }) {
  const sampleSizes = [];
  for (const token of tokens.slice(0, 5)) {
    const { body } = await graphqlPost(gatewayUrl, RECOMMENDATIONS_QUERY, {}, { authorization: `Bearer ${token}` });
    const problem = recommendationsProblem(body);
    if (problem) return { problem, sampleSizes };
    sampleSizes.push(body.data.me.jobRecommendations.length);
  }
  if (sampleSizes.every((n) => n === 0)) return { problem: 'every sampled user got 0 recommendations', sampleSizes };
  return { sampleSizes, target: { name: 'S3 job recommendations', url: gatewayUrl, body: JSON.stringify({ query: RECOMMENDATIONS_QUERY }), tokens } };
}
