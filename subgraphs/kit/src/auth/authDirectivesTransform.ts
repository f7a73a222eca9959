import { AppError, authorizeField, fieldRequirement, type Viewer } from '@profile-graph/core';
import { defaultFieldResolver, isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';

const denied = () => new AppError('UNAUTHORIZED_FIELD_OR_TYPE', 'You are not authorized to read this field: sign in, or use an API key with the scope it needs.');

/**
 * Defense in depth behind the gateway: every field carrying `@authenticated`
 * or `@requiresScopes` in this subgraph's SDL checks the signed viewer before
 * its resolver runs, so a gateway misconfiguration (or a supergraph that lost
 * the directives) still cannot read protected data. Denied fields throw
 * UNAUTHORIZED_FIELD_OR_TYPE: null at their path, the rest of the data intact.
 */
export function authDirectivesTransform(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeRequirement = fieldRequirement([...(type.astNode?.directives ?? []), ...(type.extensionASTNodes.flatMap((node) => node.directives ?? []))]);
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, { viewer: Viewer }>[]) {
      const requirement = fieldRequirement(field.astNode?.directives) ?? typeRequirement;
      if (!requirement) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        if (!authorizeField(context.viewer, requirement)) throw denied();
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
