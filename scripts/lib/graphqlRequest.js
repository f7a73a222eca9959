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

module.exports = { graphqlRequest };
