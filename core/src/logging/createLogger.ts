import pino, { type Logger } from 'pino';
import { requestLogFields } from '../observability/requestScope';

/**
 * Paths that may carry secrets or personal data. pino removes them before a
 * line is written, so a careless `log.info({ req })` cannot leak them.
 */
export const redactPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'phoneNumber',
  '*.phoneNumber',
  'template',
  '*.template',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-viewer-token"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-viewer-token"]',
  'variables',
  '*.variables',
  // Request and response bodies (the gateway engine logs subgraph fetches at debug) hold variables and tokens.
  'body',
  '*.body',
  'response.body',
];

export function createLogger(options: { name: string; level?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      // Every line written while serving a request (or handling an event) names it: requestId, traceId.
      mixin: requestLogFields,
    },
    options.destination,
  );
}

export type { Logger };
