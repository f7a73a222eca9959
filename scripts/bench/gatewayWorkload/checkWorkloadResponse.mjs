// Every response of the gateway scenario is checked against the expected
// data. A byte-equal body is the fast path (the load generator shares a core
// with the subgraphs); any other body is compared by value, key order aside,
// and the first body each target sends that equals the expected data becomes
// its fast path too.
import { isDeepStrictEqual } from 'node:util';

/** @param {object} expected the expected `{ data }` @returns {(body: string) => string | null} why a body is wrong, or null */
export function createWorkloadCheck(expected) {
  const known = new Set([JSON.stringify(expected)]);
  return (body) => {
    if (known.has(body)) return null;
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      return `not JSON: ${body.slice(0, 200)}`;
    }
    if (parsed.errors) return `errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`;
    if (!isDeepStrictEqual(parsed, expected)) return `data differs from the expected response (${body.length} bytes): ${body.slice(0, 200)}`;
    if (known.size < 8) known.add(body);
    return null;
  };
}
