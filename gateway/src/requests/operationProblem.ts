import { GraphQLError, getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * Whether the schema can run the request's operation at all. graphql-js 16
 * validation does not check that the root type exists (the spec leaves it
 * to execution), and the query planner then fails with an internal error;
 * the client asked for something this graph does not have, so it is refused
 * as such before planning. (An operation that cannot be picked, such as two
 * operations and no operationName, the engine already refuses while parsing
 * with OPERATION_RESOLUTION_FAILURE.)
 */
export function operationProblem(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation || schema.getRootType(operation.operation)) return undefined;
  return new GraphQLError(`This graph has no ${operation.operation} type, so ${operation.operation} operations cannot run here.`, {
    nodes: operation,
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
  });
}
