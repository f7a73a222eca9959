import { GraphQLScalarType, Kind } from 'graphql';
import { AppError } from '@profile-graph/core';

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new AppError('BAD_USER_INPUT', `DateTime: "${String(value)}" is not an ISO 8601 date-time.`);
  return date;
}

/** ISO 8601 strings on the wire, Date objects inside resolvers. */
export const dateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => toDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new AppError('BAD_USER_INPUT', 'DateTime: expected an ISO 8601 string.');
    return toDate(ast.value);
  },
});
