import { Kind, type DocumentNode, type SelectionNode, type SelectionSetNode } from 'graphql';
import { dependsOnVariables, isIncluded } from './isIncluded';

const isConditional = (selection: SelectionNode) => selection.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include') ?? false;

/**
 * Applies @skip/@include for these variables: excluded selections are
 * removed, included ones lose the directives. The result means the same, and
 * lets repeated fields be merged (mergeDuplicateFields) even where one copy
 * carried `@include(if: $flag)`. A nested selection set that would become
 * empty is left as it was (an empty set is not a valid document; the engine
 * applies the directives there itself); the root may become empty, and
 * useEmptyOperations answers that. `variableDependent` says whether the
 * result holds for these variables only.
 */
export function resolveConditionalSelections(document: DocumentNode, variables: Record<string, unknown>): { document: DocumentNode; variableDependent: boolean } {
  let variableDependent = false;
  let changed = false;

  const resolve = (set: SelectionSetNode, root: boolean): SelectionSetNode => {
    const conditional = set.selections.filter(isConditional);
    if (conditional.some(dependsOnVariables)) variableDependent = true;
    const kept = conditional.length ? set.selections.filter((s) => isIncluded(s, variables)) : set.selections;
    const selections = kept.length === 0 && !root ? set.selections : kept;
    let local = selections !== set.selections;
    const out = selections.map((selection): SelectionNode => {
      const directives = selections === kept && isConditional(selection) ? selection.directives!.filter((d) => d.name.value !== 'skip' && d.name.value !== 'include') : selection.directives;
      const stripped = directives !== selection.directives;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (!stripped) return selection;
        local = true;
        return { ...selection, directives };
      }
      const inner = selection.selectionSet ? resolve(selection.selectionSet, false) : undefined;
      if (!stripped && inner === selection.selectionSet) return selection;
      local = true;
      return { ...selection, directives, ...(inner ? { selectionSet: inner } : {}) } as SelectionNode;
    });
    if (!local) return set;
    changed = true;
    return { ...set, selections: out };
  };

  const definitions = document.definitions.map((definition) => {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      const selectionSet = resolve(definition.selectionSet, true);
      return selectionSet === definition.selectionSet ? definition : { ...definition, selectionSet };
    }
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const selectionSet = resolve(definition.selectionSet, false);
      return selectionSet === definition.selectionSet ? definition : { ...definition, selectionSet };
    }
    return definition;
  });
  return { document: changed ? { ...document, definitions } : document, variableDependent };
}
