import { GraphQLError } from 'graphql';
import { errorRegistry, isErrorCode, type ErrorCode, type Logger } from '@profile-graph/core';

/** Extensions that describe our internals rather than the client's problem. */
const INTERNAL_EXTENSIONS = new Set(['stacktrace', 'exception', 'serviceName', 'unexpected', 'originalError', 'request', 'response']);

/** Codes the HTTP executor gives a subgraph call that failed or timed out: the client can retry, it did nothing wrong. */
const UPSTREAM_UNAVAILABLE = new Set(['SUBREQUEST_HTTP_ERROR', 'TIMEOUT_ERROR', 'GATEWAY_TIMEOUT']);

type Extensions = Record<string, unknown> & { code?: unknown; http?: { status?: number } };

function hasInternals(extensions: Extensions): boolean {
  return Object.keys(extensions).some((key) => INTERNAL_EXTENSIONS.has(key));
}

function publicExtensions(extensions: Extensions): Extensions {
  return Object.fromEntries(Object.entries(extensions).filter(([key]) => !INTERNAL_EXTENSIONS.has(key)));
}

/** The registry code for an HTTP-level refusal the engine raised itself (bad method, bad body, ...). */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  return 'BAD_REQUEST';
}

/**
 * Decides what a client may see of an error:
 * - registry codes (raised by the gateway or passed through from a subgraph)
 *   keep their message and path, minus internal extensions such as stack traces;
 * - the engine's own protocol refusals (405 for a mutation over GET, 400 for
 *   an unreadable body) keep their message and gain a registry code;
 * - a subgraph that cannot be reached or times out becomes SERVICE_UNAVAILABLE;
 * - anything else (a thrown Error, a subgraph's INTERNAL_SERVER_ERROR with its
 *   stack trace) becomes INTERNAL_SERVER_ERROR with our message, and the
 *   original is logged for us, without request bodies (they hold variables).
 * An error that is already safe is returned as is, which also tells the
 * engine there is nothing to log.
 */
export function createGatewayMaskError(logger: Logger, metrics?: { upstreamErrors: { inc(labels: { subgraph: string; code: string }): void } }) {
  return function maskError(error: unknown): GraphQLError {
    const graphqlError = error instanceof GraphQLError ? error : undefined;
    const extensions = (graphqlError?.extensions ?? {}) as Extensions;
    const code = extensions.code;
    const base = { nodes: graphqlError?.nodes, path: graphqlError?.path };

    if (graphqlError && isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
      if (!hasInternals(extensions)) return graphqlError;
      return new GraphQLError(graphqlError.message, { ...base, extensions: publicExtensions(extensions) });
    }
    const status = extensions.http?.status;
    if (graphqlError && code === undefined && !graphqlError.originalError && typeof status === 'number' && status >= 400 && status < 500) {
      return new GraphQLError(graphqlError.message, { ...base, extensions: { ...publicExtensions(extensions), code: codeForStatus(status) } });
    }
    const cause = graphqlError?.originalError ?? error;
    const summary = { message: cause instanceof Error ? cause.message : String(cause), code, path: graphqlError?.path };
    if (typeof code === 'string' && UPSTREAM_UNAVAILABLE.has(code)) {
      // Naming the subgraph tells the client which part of its data is missing; its address and the socket error stay here.
      const service = typeof extensions['serviceName'] === 'string' ? extensions['serviceName'] : undefined;
      logger.warn({ ...summary, service }, 'subgraph unavailable');
      if (service && code === 'GATEWAY_TIMEOUT') metrics?.upstreamErrors.inc({ subgraph: service, code: 'TIMEOUT_MASKED' });
      const message = service ? `The ${service} service did not answer in time; retry shortly.` : errorRegistry.SERVICE_UNAVAILABLE.message;
      return new GraphQLError(message, { ...base, extensions: { code: 'SERVICE_UNAVAILABLE', ...(service ? { service } : {}) } });
    }
    logger.error({ ...summary, stack: cause instanceof Error && !graphqlError?.extensions?.['stacktrace'] ? cause.stack : undefined }, 'unexpected error masked for the client');
    return new GraphQLError(errorRegistry.INTERNAL_SERVER_ERROR.message, { ...base, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
}
