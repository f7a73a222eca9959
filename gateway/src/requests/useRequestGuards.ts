import { AppError } from '@profile-graph/core';
import type { EnginePlugin } from '../engine/types';
import { operationProblem } from './operationProblem';
import { MAX_VARIABLE_DEPTH, findJsonProblem, reservedNamesRule } from './reservedNames';

/** The whole request is refused before execution: 400, as for every such refusal (useRequestErrorStatus). */
const REFUSED = { status: 400 };

/**
 * Refuses, before planning, what the engine cannot answer correctly: aliases
 * and variables named like JavaScript's prototype keys, JSON variables or
 * extensions carrying such keys (or nesting absurdly deep), and operations
 * of a type the graph does not have. Each is the client's error, with a
 * registry code and a message naming the offending part.
 */
export function useRequestGuards(): EnginePlugin {
  return {
    onParams({ params }) {
      for (const [name, value] of [['variables', params.variables], ['extensions', params.extensions]] as const) {
        const found = findJsonProblem(value, name);
        if (!found) continue;
        throw found.problem === 'reserved'
          ? new AppError('BAD_USER_INPUT', `${found.path}: this key is reserved and cannot be sent; remove it.`, { field: found.path, http: REFUSED })
          : new AppError('BAD_USER_INPUT', `${found.path}: ${name} nest deeper than ${MAX_VARIABLE_DEPTH} levels.`, { field: found.path, http: REFUSED });
      }
    },
    onValidate({ addValidationRule, params, context }) {
      addValidationRule(reservedNamesRule);
      return ({ valid, setResult }) => {
        if (!valid) return;
        const operationName = (context as { params?: { operationName?: string | null } }).params?.operationName;
        const found = operationProblem(params.schema, params.documentAST, operationName);
        // A new array: the engine caches the validation result per document, and this answer depends on operationName.
        if (found) setResult([found]);
      };
    },
  };
}
