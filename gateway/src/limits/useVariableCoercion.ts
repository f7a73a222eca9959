import { GraphQLError, getOperationAST, getVariableValues } from 'graphql';
import type { EnginePlugin } from '../engine/types';

/**
 * Coerces variables against the operation before anything runs. The query
 * planner coerces them too, but its failure surfaces as an error without a
 * code (masked as INTERNAL_SERVER_ERROR); a wrong variable, like
 * `{"$ne": null}` where a String belongs, is the client's mistake: 400
 * BAD_USER_INPUT naming the variable, and no subgraph is called.
 */
export function useVariableCoercion(): EnginePlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation?.variableDefinitions?.length) return;
      const coerced = getVariableValues(args.schema, operation.variableDefinitions, (args.variableValues ?? {}) as Record<string, unknown>, { maxErrors: 10 });
      if (!coerced.errors) return;
      setResultAndStopExecution({
        errors: coerced.errors.map(
          (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } }),
        ),
      });
    },
  };
}
