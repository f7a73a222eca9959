'use strict';
// A minimal GraphQL client for scripts (seed, bench, smoke checks).

/**
 * @param {string} url @param {string} query @param {Record<string, unknown>} [variables]
 * @param {Record<string, string>} [headers]
 */
async function graphqlRequest(url, query, variables = {}, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new Error(`${first.extensions?.code ?? response.status}: ${first.message}`);
  }
  return body.data;
}

/**
 * Retries `attempt` every 250 ms (at most `tries` times) while another service's projection catches up: events
 * take a moment, so a freshly seeded user or organization may be refused at first.
 * @template T @param {() => Promise<T>} attempt @param {string} what @param {number} [tries]
 */
async function untilAccepted(attempt, what, tries = 60) {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= tries) throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

module.exports = { graphqlRequest, untilAccepted };
