import { Logger as EngineLogger, type LogLevel as EngineLogLevel } from '@graphql-hive/gateway-runtime';
import { errorRegistry, isErrorCode, type Logger } from '@profile-graph/core';

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
 * The runtime logs every error it handed to our mask function at error
 * level, with its stack. A client's mistake (a 4xx registry code: bad JSON,
 * an unknown operation) is not our fault: it is logged at info, code and
 * message only, so error-level lines and their stacks stay for our own faults.
 */
function clientErrorSummary(attrs: Record<string, unknown>): { code: string; message: unknown } | undefined {
  const code = (attrs['extensions'] as { code?: unknown } | undefined)?.code;
  if (!isErrorCode(code)) return undefined;
  const status = errorRegistry[code].httpStatus;
  return status >= 400 && status < 500 ? { code, message: attrs['message'] } : undefined;
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
          const client = (level === 'error' || level === 'warn') && !Array.isArray(attrs) && attrs != null ? clientErrorSummary(attrs) : undefined;
          if (client) engineLog.info(client, msg || 'request refused (client error)');
          else engineLog[level](fields, msg ?? '');
        },
      },
    ],
  });
}
