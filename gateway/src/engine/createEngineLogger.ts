import { Logger as EngineLogger, type LogLevel as EngineLogLevel } from '@graphql-hive/gateway-runtime';
import type { Logger } from '@profile-graph/kit';

const ENGINE_LEVELS: Record<string, EngineLogLevel | false> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
  silent: false,
};

/**
 * Upstream errors carry the subgraph request (query and variables) in
 * `extensions.request`; variables hold personal data, so it never reaches a log.
 */
/**
 * At debug the runtime logs each subgraph fetch: its body (query and
 * variables: passwords, phone numbers) and the data that came back (access
 * and refresh tokens, API key secrets); the query text too, as clients may
 * inline literals in it. Only the envelope (url, ids, timings)
 * is kept.
 */
const PAYLOAD_KEYS = new Set(['body', 'data', 'result', 'response', 'variables', 'query']);

function withoutRequestBodies(input: Record<string, unknown>): Record<string, unknown> {
  const attrs = Object.fromEntries(Object.entries(input).filter(([key]) => !PAYLOAD_KEYS.has(key)));
  const extensions = attrs['extensions'];
  if (!extensions || typeof extensions !== 'object' || !('request' in extensions)) return attrs;
  const { request: _dropped, ...rest } = extensions as Record<string, unknown>;
  return { ...attrs, extensions: rest };
}

/**
 * The runtime logs through its own logger; writing those lines into our pino
 * logger keeps one JSON stream with one redaction list for the whole process.
 */
export function createEngineLogger(logger: Logger): EngineLogger {
  const engineLog = logger.child({ component: 'engine' });
  return new EngineLogger({
    level: ENGINE_LEVELS[logger.level] ?? 'info',
    writers: [
      {
        write(level, attrs, msg) {
          const fields = attrs == null ? {} : Array.isArray(attrs) ? { attrs } : withoutRequestBodies(attrs);
          engineLog[level](fields, msg ?? '');
        },
      },
    ],
  });
}
