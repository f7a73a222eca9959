import { parse, print, type OperationDefinitionNode } from 'graphql';
import { resolveConditionalSelections } from './resolveConditionalSelections';

const resolved = (query: string, variables: Record<string, unknown> = {}) => {
  const result = resolveConditionalSelections(parse(query), variables);
  return { text: print(result.document).replace(/\s+/g, ' '), variableDependent: result.variableDependent };
};

describe('resolveConditionalSelections', () => {
  it('removes excluded selections and strips the directives of included ones', () => {
    expect(resolved('query($x: Boolean!) { a @include(if: $x) { id } b @skip(if: $x) { id } c { d @skip(if: false) e } }', { x: true })).toEqual({
      text: 'query ($x: Boolean!) { a { id } c { d e } }',
      variableDependent: true,
    });
  });

  it('works through fragments and keeps other directives', () => {
    expect(resolved('{ ...F @include(if: true) } fragment F on Query { a @skip(if: true) { id } b @deprecatedLike { id } }').text).toBe(
      '{ ...F } fragment F on Query { b @deprecatedLike { id } }',
    );
  });

  it('leaves a nested set that would become empty to the engine, and may empty the root', () => {
    expect(resolved('{ me { id @skip(if: true) } }').text).toBe('{ me { id @skip(if: true) } }');
    const root = resolveConditionalSelections(parse('{ me @skip(if: true) { id } }'), {}).document.definitions[0] as OperationDefinitionNode;
    expect(root.selectionSet.selections).toEqual([]);
  });

  it('returns the same document when there is nothing conditional', () => {
    const document = parse('{ me { id } }');
    expect(resolveConditionalSelections(document, {}).document).toBe(document);
  });
});
