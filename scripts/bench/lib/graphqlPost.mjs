// One GraphQL POST that returns the whole body (data and errors), for probes
// that need to see errors rather than throw on them.

/** @param {string} url @param {string} query @param {Record<string, unknown>} [variables] @param {Record<string, string>} [headers] */
export async function graphqlPost(url, query, variables = {}, headers = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: { errors: [{ message: text.slice(0, 200) }] } };
  }
}
