// S2: a partner employer's candidate search through this gateway, with a real
// partner API key: an organization created by a seeded user, verified by the
// operator (x-operator-token), and a CANDIDATES_SEARCH key made by its ADMIN.
// The gateway resolves the key over NATS and caches it, as in production.
import { graphqlPost } from '../lib/graphqlPost.mjs';

export const CANDIDATES_PER_REQUEST = 50;

/** What S2 asks for: N candidate cards (each field gated by CANDIDATE_DISCOVERY, per candidate) and their User fields from identity. */
export const candidateSearchQuery = (first) => /* GraphQL */ `
  query CandidateSearch {
    candidates(first: ${first}) {
      nodes { userId headline skills seniority locations remote currentTitle user { id handle displayName } }
      pageInfo { endCursor hasNextPage }
    }
  }
`;

/**
 * Why a candidate search answer is wrong, or null. Every candidate found
 * consented to CANDIDATE_DISCOVERY, so a CONSENT_REQUIRED error can only come
 * from a withdrawal racing the page (S7 runs separately); anything else is wrong.
 * @param {any} body @param {number} expected nodes the page must hold
 */
export function candidateSearchProblem(body, expected) {
  const nodes = body?.data?.candidates?.nodes;
  if (!Array.isArray(nodes)) return `no candidates: ${JSON.stringify(body?.errors ?? body).slice(0, 300)}`;
  if (nodes.length !== expected) return `${nodes.length} candidates instead of ${expected}`;
  const other = body.errors?.find((error) => error.extensions?.code !== 'CONSENT_REQUIRED');
  return other ? `error: ${JSON.stringify(other).slice(0, 300)}` : null;
}

/**
 * Creates the partner organization and key. Returns the secret or throws with what went wrong.
 * @param {{ gatewayUrl: string, adminToken: string, operatorToken: string }} context
 */
export async function createPartnerKey({ gatewayUrl, adminToken, operatorToken }) {
  const step = async (what, query, variables, headers) => {
    const { status, body } = await graphqlPost(gatewayUrl, query, variables, headers);
    if (status !== 200 || body.errors?.length || !body.data) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
    return body.data;
  };
  const user = { authorization: `Bearer ${adminToken}` };
  const { createOrganization } = await step('createOrganization', 'mutation($name: String!) { createOrganization(input: { name: $name }) { id } }', { name: 'Bench Partner' }, user);
  await step('verifyOrganization', 'mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: createOrganization.id }, { 'x-operator-token': operatorToken });
  const { createApiKey } = await step(
    'createApiKey',
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { organizationId: createOrganization.id, name: 'bench-search', scopes: ['CANDIDATES_SEARCH'] } },
    user,
  );
  return createApiKey.secret;
}

/**
 * The S2 load target, checked first with a few requests: a target that answers wrongly is reported, never timed.
 * @returns {Promise<{ target?: any, problem?: string, expected: number }>}
 */
export async function partnerSearchTarget({ gatewayUrl, secret, candidatePool }) {
  const expected = Math.min(CANDIDATES_PER_REQUEST, candidatePool);
  const query = candidateSearchQuery(CANDIDATES_PER_REQUEST);
  for (let i = 0; i < 3; i += 1) {
    const { body } = await graphqlPost(gatewayUrl, query, {}, { 'x-api-key': secret });
    const problem = candidateSearchProblem(body, expected);
    if (problem) return { problem, expected };
  }
  return {
    expected,
    target: {
      name: 'S2 candidate search (partner key)',
      url: gatewayUrl,
      body: JSON.stringify({ query }),
      tokens: [secret],
      authHeaders: (key) => ({ 'x-api-key': key }),
      // Parsing every answer costs the load generator CPU, but a fast wrong page must not count.
      check: (text) => {
        try {
          return candidateSearchProblem(JSON.parse(text), expected);
        } catch {
          return `not JSON: ${text.slice(0, 200)}`;
        }
      },
    },
  };
}
