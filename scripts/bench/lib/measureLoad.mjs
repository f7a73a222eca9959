// One autocannon run at fixed concurrency. Every request carries the next
// seeded user's token, so no cache or batch can serve one user's answer twice,
// and every response body is checked for GraphQL errors: a fast wrong answer
// must not count as throughput.
import { createRequire } from 'node:module';

const autocannon = createRequire(import.meta.url)('autocannon');

/**
 * @param {{ url: string, body: string, tokens: string[], connections: number, durationSeconds: number,
 *   authHeaders?: (token: string) => Record<string, string>, check?: (responseBody: string) => string | null }} options
 *   authHeaders: how a credential is sent (default: a bearer token); check: why a 200 response is wrong, or null
 *   (default: any "errors" in the body is wrong).
 * @returns {Promise<{ rps: number, p50: number, p90: number, p99: number, requests: number, graphqlErrors: number, non2xx: number, socketErrors: number, timeouts: number, firstError?: string }>}
 */
const bearer = (token) => ({ authorization: `Bearer ${token}` });
const noErrors = (responseBody) => (responseBody.includes('"errors"') ? responseBody.slice(0, 300) : null);

export async function measureLoad({ url, body, tokens, connections, durationSeconds, authHeaders = bearer, check = noErrors }) {
  let next = 0;
  let graphqlErrors = 0;
  let firstError;
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        setupRequest: (request) => {
          const token = tokens[next];
          next = (next + 1) % tokens.length;
          return { ...request, headers: { ...request.headers, ...authHeaders(token) } };
        },
        onResponse: (status, responseBody) => {
          const problem = status === 200 ? check(responseBody) : null;
          if (problem) {
            graphqlErrors += 1;
            firstError ??= problem;
          }
        },
      },
    ],
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    requests: result.requests.total,
    graphqlErrors,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    ...(firstError ? { firstError } : {}),
  };
}
