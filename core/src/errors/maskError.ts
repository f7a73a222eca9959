import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { errorRegistry, isErrorCode } from './errorRegistry';

type Logger = { error: (obj: object, msg: string) => void };

/**
 * formatError for every server: registry codes pass through with their
 * message; GraphQL's own validation/parse errors keep their (schema-only)
 * message; everything else is logged and replaced, so no stack trace, database
 * error or internal detail reaches a client.
 */
export function createMaskError(logger: Logger) {
  return function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const code = formatted.extensions?.code;
    if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = error instanceof GraphQLError ? error.originalError : error;
    logger.error({ err: original ?? error, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: errorRegistry.INTERNAL_SERVER_ERROR.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
