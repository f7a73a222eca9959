// One autocannon run at fixed concurrency. Every request carries the next
// seeded user's token, so no cache or batch can serve one user's answer twice,
// and every response body is checked for GraphQL errors: a fast wrong answer
// must not count as throughput.
import { createRequire } from 'node:module';

const autocannon = createRequire(import.meta.url)('autocannon');

/**
 * @param {{ url: string, body: string, tokens: string[], connections: number, durationSeconds: number }} options
 * @returns {Promise<{ rps: number, p50: number, p90: number, p99: number, requests: number, graphqlErrors: number, non2xx: number, socketErrors: number, timeouts: number, firstError?: string }>}
 */
export async function measureLoad({ url, body, tokens, connections, durationSeconds }) {
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
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
        },
        onResponse: (status, responseBody) => {
          if (status === 200 && responseBody.includes('"errors"')) {
            graphqlErrors += 1;
            firstError ??= responseBody.slice(0, 300);
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
