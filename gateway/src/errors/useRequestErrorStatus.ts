import type { GraphQLError } from 'graphql';
import { errorRegistry, isErrorCode } from '@profile-graph/core';
import type { EnginePlugin } from '../engine/types';

type HttpExtension = { status?: number; spec?: boolean };

/**
 * One behaviour for every refusal that happens before execution (unreadable
 * body, parse and validation errors, operation limits, unresolvable
 * operations): the registry's 4xx status, whatever the client accepts.
 * The engine marks those errors `http.spec` and then answers 200 when the
 * client accepts `application/json`, as the GraphQL-over-HTTP spec suggests
 * for legacy clients, and 400 otherwise; a status that depends on a header
 * surprises operators, monitoring and clients alike, and Apollo Server,
 * which our clients know, answers 400 too. Dropping the mark is all it takes.
 * Execution results (field errors with partial data) never carry it and keep 200.
 */
export function useRequestErrorStatus(): EnginePlugin {
  return {
    onResultProcess({ result }) {
      if (!result || typeof result !== 'object' || Symbol.asyncIterator in result) return;
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of ((single as { errors?: readonly GraphQLError[] }).errors ?? [])) {
          const extensions = error.extensions as Record<string, unknown> | undefined;
          const http = extensions?.['http'] as HttpExtension | undefined;
          if (!extensions || !http?.spec) continue;
          const code = extensions['code'];
          extensions['http'] = { status: http.status ?? (isErrorCode(code) ? errorRegistry[code].httpStatus : 400) };
        }
      }
    },
  };
}
