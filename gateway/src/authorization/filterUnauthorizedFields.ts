import {
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { authorizeField, type Viewer } from '@profile-graph/core';
import { dependsOnVariables, isIncluded } from '../requests/isIncluded';
import type { AuthRequirements } from './readAuthRequirements';

export type ResponsePath = (string | number)[];

export interface FilteredOperation {
  /** The operation with every unauthorized field removed; `null` when nothing of it may run. */
  document: DocumentNode | null;
  /** Where each unauthorized field was asked for (one error each). */
  denied: ResponsePath[];
  /** Where the response gets null: the field itself, or its nearest nullable parent when the field is non-null. */
  nulled: ResponsePath[];
  /** Selections that became empty and got `__typename` so they stay valid; removed from the response again. */
  placeholders: ResponsePath[];
  /** Expanding fragments went past a sane size: refuse the operation as over its limits. */
  tooLarge?: boolean;
  /** @skip/@include with a variable decided part of this: valid for these variables only, not to be cached per document. */
  variableDependent?: boolean;
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };
/** Each spread is expanded in place; this bounds a fragment fan-out the limits did not catch. */
const MAX_EXPANDED_SELECTIONS = 20_000;

class TooLarge extends Error {}

interface Frame {
  path: ResponsePath;
  nullable: boolean;
}

/**
 * Apollo Router's authorization behaviour, before planning: fields the
 * viewer may not read (per `@authenticated` / `@requiresScopes`) are taken
 * out of the operation, so no subgraph is ever asked for them; the response
 * gets null at their path and an UNAUTHORIZED_FIELD_OR_TYPE error, and the
 * rest of the data is returned. A non-null field takes its nearest nullable
 * parent with it, as GraphQL null propagation would.
 *
 * Fragment spreads are expanded to inline fragments first, so every field has
 * one response path. Selections that @skip/@include leave out are not asked
 * for, so they are neither denied nor nulled (the fuzzer found a skipped
 * field coming back as null with an error).
 */
export function filterUnauthorizedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  viewer: Viewer,
  requirements: AuthRequirements,
  variables: Record<string, unknown> = {},
): FilteredOperation {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType) return { document, denied: [], nulled: [], placeholders: [] };

  const denied: ResponsePath[] = [];
  const nulled: ResponsePath[] = [];
  const placeholders: ResponsePath[] = [];
  let expanded = 0;
  let variableDependent = false;
  /** A denied non-null field that reached the root: nothing of the operation can be returned. */
  let wholeOperation = false;

  const allowed = (parent: GraphQLCompositeType, field: FieldNode): boolean => {
    const name = field.name.value;
    if (name.startsWith('__')) return true;
    const candidates = [requirements.fields.get(`${parent.name}.${name}`)];
    if (isObjectType(parent) || isInterfaceType(parent)) {
      const definition = parent.getFields()[name];
      if (definition) candidates.push(requirements.types.get(getNamedType(definition.type).name));
      for (const iface of parent.getInterfaces()) candidates.push(requirements.fields.get(`${iface.name}.${name}`));
    }
    return candidates.every((requirement) => !requirement || authorizeField(viewer, requirement));
  };

  /** Returns the filtered selection set; a denied non-null child returns `'cut'` so the caller removes this field too. */
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, frames: Frame[]): SelectionSetNode | 'cut' => {
    const kept: SelectionNode[] = [];
    let cut = false;
    for (const selection of selectionSet.selections) {
      if (++expanded > MAX_EXPANDED_SELECTIONS) throw new TooLarge();
      if (dependsOnVariables(selection)) variableDependent = true;
      if (!isIncluded(selection, variables)) {
        // Left out as execution would leave it out; dropping it here changes nothing the client sees.
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (!isCompositeType(type)) continue;
        const inner = walk(fragment.selectionSet, type, frames);
        if (inner === 'cut') cut = true;
        else kept.push({ kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives ?? [], selectionSet: inner });
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (!isCompositeType(type)) continue;
        const inner = walk(selection.selectionSet, type, frames);
        if (inner === 'cut') cut = true;
        else kept.push(inner === selection.selectionSet ? selection : { ...selection, selectionSet: inner });
        continue;
      }
      const key = selection.alias?.value ?? selection.name.value;
      const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      const path = [...(frames.at(-1)?.path ?? []), key];
      const nullable = definition ? !isNonNullType(definition.type) : true;
      if (!allowed(parent, selection)) {
        denied.push(path);
        if (nullable) nulled.push(path);
        else cut = true;
        continue;
      }
      if (!selection.selectionSet || !definition) {
        kept.push(selection);
        continue;
      }
      const childType = getNamedType(definition.type);
      if (!isCompositeType(childType)) {
        kept.push(selection);
        continue;
      }
      const inner = walk(selection.selectionSet, childType, [...frames, { path, nullable }]);
      if (inner === 'cut') {
        if (nullable) nulled.push(path);
        else cut = true;
        continue;
      }
      kept.push(inner === selection.selectionSet ? selection : { ...selection, selectionSet: inner });
    }
    if (cut) return 'cut';
    if (kept.length === 0) {
      placeholders.push(frames.at(-1)?.path ?? []);
      return { ...selectionSet, selections: [TYPENAME] };
    }
    return kept.length === selectionSet.selections.length && kept.every((s, i) => s === selectionSet.selections[i]) ? selectionSet : { ...selectionSet, selections: kept };
  };

  let root: SelectionSetNode | 'cut';
  try {
    root = walk(operation.selectionSet, rootType, []);
  } catch (error) {
    if (error instanceof TooLarge) return { document: null, denied: [], nulled: [], placeholders: [], tooLarge: true };
    throw error;
  }
  if (root === 'cut') wholeOperation = true;
  if (denied.length === 0) return { document, denied, nulled, placeholders: [], variableDependent };
  if (wholeOperation) return { document: null, denied, nulled, placeholders, variableDependent };
  const filtered: OperationDefinitionNode = { ...operation, selectionSet: root as SelectionSetNode };
  // Fragments were expanded; definitions of other operations and the fragments themselves are no longer needed.
  return { document: { kind: Kind.DOCUMENT, definitions: [filtered] }, denied, nulled, placeholders, variableDependent };
}
