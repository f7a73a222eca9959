import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import { AppError, type Viewer } from '@profile-graph/kit';

export type ViewerRule = (viewer: Viewer, parent: Record<string, unknown>) => boolean;

/** Only the user the parent object is about (`User.id`). */
export const ownerOnly: ViewerRule = (viewer, parent) => viewer.kind === 'user' && !!viewer.userId && viewer.userId === String(parent.id ?? parent._id);

/**
 * Who may read a field at all, decided before anything else on it runs (this
 * transform is applied after the kit's, so it wraps outermost): a refused
 * viewer never reaches the consent check, so no access-log entry is written
 * for a read that was never going to happen, and the resolver never runs.
 */
export function restrictViewers(rules: Record<string, ViewerRule>) {
  return (schema: GraphQLSchema): GraphQLSchema => {
    for (const [coordinate, rule] of Object.entries(rules)) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = schema.getType(typeName);
      const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      if (!field) throw new Error(`restrictViewers: ${coordinate} is not in the schema`);
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, context, info) => {
        if (!rule((context as { viewer: Viewer }).viewer, (parent ?? {}) as Record<string, unknown>)) {
          throw new AppError('UNAUTHORIZED_FIELD_OR_TYPE', `Not yours to read: ${coordinate} is visible to the user only.`);
        }
        return resolve(parent, args, context, info);
      };
    }
    return schema;
  };
}
