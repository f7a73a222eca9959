import { Kind, getOperationAST, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { EnginePlugin } from '../engine/types';
import { isIncluded } from './isIncluded';

/** Whether any field of the root selection survives @skip/@include, looking through fragments. */
function selectsAnything(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, variables: Record<string, unknown>, seen = new Set<string>()): boolean {
  return set.selections.some((selection) => {
    if (!isIncluded(selection, variables)) return false;
    if (selection.kind === Kind.FIELD) return true;
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectsAnything(selection.selectionSet, fragments, variables, seen);
    const name = selection.name.value;
    const fragment = fragments.get(name);
    if (!fragment || seen.has(name)) return false;
    return selectsAnything(fragment.selectionSet, fragments, variables, new Set([...seen, name]));
  });
}

/**
 * An operation whose every root field is skipped by @include/@skip answers
 * `{ "data": {} }`, as graphql-js would, without planning: the engine
 * answers such an operation with an internal error, or with a body that has
 * neither data nor errors. Found by the supergraph fuzzer.
 */
export function useEmptyOperations(): EnginePlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document as DocumentNode, args.operationName);
      if (!operation) return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of (args.document as DocumentNode).definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      if (!selectsAnything(operation.selectionSet, fragments, (args.variableValues ?? {}) as Record<string, unknown>)) {
        setResultAndStopExecution({ data: {} });
      }
    },
  };
}
