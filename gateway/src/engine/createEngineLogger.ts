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
function withoutRequestBodies(attrs: Record<string, unknown>): Record<string, unknown> {
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
