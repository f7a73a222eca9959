import { Kind, print, type ArgumentNode, type DocumentNode, type FieldNode, type SelectionNode, type SelectionSetNode } from 'graphql';

const argumentsKey = (args: readonly ArgumentNode[] | undefined) => (args?.length ? args.map((arg) => print(arg)).sort().join(',') : '');

/**
 * One field per response key in each selection set: `orgs { a } orgs { b }`
 * becomes `orgs { a b }`, which GraphQL defines to mean the same. The engine
 * merges the two answers with graphql-tools' mergeDeep, which concatenates
 * lists instead of merging them element by element, so the client got four
 * half-filled organizations instead of two whole ones (found by the
 * supergraph fuzzer). Only copies with the same name, the same arguments and
 * no directives are merged, so validation still sees every conflict and
 * @include/@skip keep their meaning. Returns the same document when there is
 * nothing to merge.
 */
export function mergeDuplicateFields(document: DocumentNode): DocumentNode {
  let changed = false;

  const mergeSet = (set: SelectionSetNode): SelectionSetNode => {
    const out: SelectionNode[] = [];
    const byKey = new Map<string, number>();
    let local = false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        out.push(selection);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = mergeSet(selection.selectionSet);
        if (inner !== selection.selectionSet) local = true;
        out.push(inner === selection.selectionSet ? selection : { ...selection, selectionSet: inner });
        continue;
      }
      const mergeable = !selection.directives?.length && selection.selectionSet;
      const key = `${selection.alias?.value ?? selection.name.value}|${selection.name.value}|${argumentsKey(selection.arguments)}`;
      const earlier = mergeable ? byKey.get(key) : undefined;
      if (earlier !== undefined) {
        const first = out[earlier] as FieldNode;
        out[earlier] = { ...first, selectionSet: { ...first.selectionSet!, selections: [...first.selectionSet!.selections, ...selection.selectionSet!.selections] } };
        local = true;
        continue;
      }
      if (mergeable) byKey.set(key, out.length);
      out.push(selection);
    }
    // Merge inside each field once its copies are combined.
    const merged = out.map((selection) => {
      if (selection.kind !== Kind.FIELD || !selection.selectionSet) return selection;
      const inner = mergeSet(selection.selectionSet);
      if (inner === selection.selectionSet) return selection;
      local = true;
      return { ...selection, selectionSet: inner };
    });
    if (!local) return set;
    changed = true;
    return { ...set, selections: merged };
  };

  const definitions = document.definitions.map((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) return definition;
    const selectionSet = mergeSet(definition.selectionSet);
    return selectionSet === definition.selectionSet ? definition : { ...definition, selectionSet };
  });
  return changed ? { ...document, definitions } : document;
}
