import { Kind, type DocumentNode } from 'graphql';
import { fieldRequirement, type FieldRequirement } from '@profile-graph/core';

export interface AuthRequirements {
  /** `Type.field` -> what the field demands. */
  fields: Map<string, FieldRequirement>;
  /** Type name -> what every field returning that type demands. */
  types: Map<string, FieldRequirement>;
}

const COMPOSITE = new Set<string>([Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION, Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION]);

/**
 * Reads `@authenticated` and `@requiresScopes` from the composed supergraph:
 * composition copies them from every subgraph onto the supergraph's fields
 * and types, so the gateway enforces exactly what the subgraph SDL declares.
 */
export function readAuthRequirements(supergraph: DocumentNode): AuthRequirements {
  const fields = new Map<string, FieldRequirement>();
  const types = new Map<string, FieldRequirement>();
  for (const definition of supergraph.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const typeName = definition.name.value;
    if ('directives' in definition) {
      const requirement = fieldRequirement(definition.directives);
      if (requirement && definition.kind !== Kind.DIRECTIVE_DEFINITION) types.set(typeName, requirement);
    }
    if (!COMPOSITE.has(definition.kind) || !('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      if (field.kind !== Kind.FIELD_DEFINITION) continue;
      const requirement = fieldRequirement(field.directives);
      if (requirement) fields.set(`${typeName}.${field.name.value}`, requirement);
    }
  }
  return { fields, types };
}
