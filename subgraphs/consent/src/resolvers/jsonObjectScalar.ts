import { GraphQLError, GraphQLScalarType } from 'graphql';

/** Output-only JSON object (consent receipts keep the Kantara field names and shape as they are). */
export const jsonObjectScalar = new GraphQLScalarType({
  name: 'JSONObject',
  serialize: (value) => value,
  parseValue: () => {
    throw new GraphQLError('JSONObject is output only.');
  },
  parseLiteral: () => {
    throw new GraphQLError('JSONObject is output only.');
  },
});
