import { Kind, OperationTypeNode, getOperationAST, type ConstDirectiveNode, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type TypeNode } from 'graphql';

/** The directive a subgraph puts on a field or type whose answers are the same for every viewer, anonymous included. */
export const VIEWER_INDEPENDENT = 'viewerIndependent';

/**
 * Directives that make an answer depend on who asks. A field or type carrying one of them and
 * `@viewerIndependent` is a contradiction: the supergraph is refused rather than one of them ignored.
 */
const VIEWER_BOUND = new Set(['authenticated', 'requiresScopes', 'policy', 'requiresConsent']);

interface FieldShape {
  /** The named type the field returns (lists and non-null unwrapped). */
  returns: string;
  independent: boolean;
}

interface TypeShape {
  independent: boolean;
  fields: Map<string, FieldShape>;
}

const COMPOSITE = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.UNION_TYPE_EXTENSION,
]);

const has = (directives: readonly ConstDirectiveNode[] | undefined, name: string) => directives?.some((d) => d.name.value === name) ?? false;
const boundBy = (directives: readonly ConstDirectiveNode[] | undefined) => directives?.find((d) => VIEWER_BOUND.has(d.name.value))?.name.value;
const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

/**
 * Which subgraph fetches cannot depend on the viewer, read from `@viewerIndependent` in the supergraph.
 *
 * Why: the gateway signs each fetch for its viewer and shares identical in-flight fetches only within
 * one viewer (useViewerKeyedDedup), so 1,000 signed-in users reading the same public jobs made 1,000
 * calls where anonymous traffic made one. A fetch whose every field is declared viewer-independent is
 * signed for the anonymous viewer instead, and so shared across all callers. That is safe by
 * construction, not by trust in the declaration: the subgraph is told nobody is asking, so it cannot
 * answer for anyone in particular. A wrong declaration costs a refusal (the anonymous answer), never
 * another viewer's data.
 *
 * A fetch counts only when it is a query and every field it selects, at every depth, is known and
 * declared (on the field or its type); anything unknown keeps the viewer (fail closed).
 */
export class ViewerIndependence {
  private readonly verdicts = new WeakMap<DocumentNode, Map<string, boolean>>();

  private constructor(private readonly types: Map<string, TypeShape>) {}

  /** Reads the declarations; throws, naming the field or type, where one contradicts an authorization or consent directive. */
  static fromSupergraph(supergraph: DocumentNode): ViewerIndependence {
    const types = new Map<string, TypeShape>();
    const shape = (name: string) => {
      let found = types.get(name);
      if (!found) types.set(name, (found = { independent: false, fields: new Map() }));
      return found;
    };
    for (const definition of supergraph.definitions) {
      if (!COMPOSITE.has(definition.kind) || !('name' in definition) || !definition.name) continue;
      const typeName = definition.name.value;
      const type = shape(typeName);
      const directives = 'directives' in definition ? (definition.directives as readonly ConstDirectiveNode[] | undefined) : undefined;
      if (has(directives, VIEWER_INDEPENDENT)) {
        const bound = boundBy(directives);
        if (bound) throw new Error(`type ${typeName} is declared @${VIEWER_INDEPENDENT} but also carries @${bound}`);
        type.independent = true;
      }
      if (!('fields' in definition)) continue;
      for (const field of definition.fields ?? []) {
        if (field.kind !== Kind.FIELD_DEFINITION) continue;
        const independent = has(field.directives, VIEWER_INDEPENDENT);
        const bound = boundBy(field.directives);
        if (bound && (independent || type.independent)) {
          throw new Error(`${typeName}.${field.name.value} is declared @${VIEWER_INDEPENDENT}${independent ? '' : ' (on its type)'} but also carries @${bound}`);
        }
        type.fields.set(field.name.value, { returns: namedType(field.type), independent: independent && !bound });
      }
    }
    return new ViewerIndependence(types);
  }

  /** Whether nothing in this subgraph fetch can depend on who asks. Decided once per planned document. */
  isIndependentFetch(document: DocumentNode, operationName?: string): boolean {
    let byOperation = this.verdicts.get(document);
    if (!byOperation) this.verdicts.set(document, (byOperation = new Map()));
    let verdict = byOperation.get(operationName ?? '');
    if (verdict === undefined) byOperation.set(operationName ?? '', (verdict = this.decide(document, operationName)));
    return verdict;
  }

  /** Declared names, for the startup log. */
  declared(): string[] {
    const names: string[] = [];
    for (const [typeName, type] of this.types) {
      if (type.independent) names.push(typeName);
      else for (const [fieldName, field] of type.fields) if (field.independent) names.push(`${typeName}.${fieldName}`);
    }
    return names.sort();
  }

  private decide(document: DocumentNode, operationName?: string): boolean {
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation !== OperationTypeNode.QUERY) return false;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    return this.selectionIndependent(operation.selectionSet, 'Query', fragments, true, new Set());
  }

  private selectionIndependent(selectionSet: SelectionSetNode, typeName: string, fragments: Map<string, FragmentDefinitionNode>, root: boolean, spreading: Set<string>): boolean {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!this.selectionIndependent(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, fragments, root, spreading)) return false;
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || spreading.has(fragment.name.value)) return false;
        const inner = new Set(spreading).add(fragment.name.value);
        if (!this.selectionIndependent(fragment.selectionSet, fragment.typeCondition.name.value, fragments, root, inner)) return false;
        continue;
      }
      const name = selection.name.value;
      if (name === '__typename') continue;
      // An entity fetch: what it resolves is in its type conditions, answered per representation (in the body, so in the sharing key).
      if (root && name === '_entities') {
        if (!selection.selectionSet || !this.entitySelections(selection.selectionSet, fragments, spreading)) return false;
        continue;
      }
      const type = this.types.get(typeName);
      const field = type?.fields.get(name);
      if (!type || !field || !(field.independent || type.independent)) return false;
      const composite = this.types.has(field.returns);
      if (composite !== Boolean(selection.selectionSet)) return false;
      if (selection.selectionSet && !this.selectionIndependent(selection.selectionSet, field.returns, fragments, false, spreading)) return false;
    }
    return true;
  }

  /** `_entities { ... on Type { ... } }`: only typed fragments and `__typename` are understood there. */
  private entitySelections(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, spreading: Set<string>): boolean {
    return selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === '__typename';
      if (selection.kind === Kind.INLINE_FRAGMENT) return Boolean(selection.typeCondition) && this.selectionIndependent(selection.selectionSet, selection.typeCondition!.name.value, fragments, false, spreading);
      const fragment = fragments.get(selection.name.value);
      return Boolean(fragment) && this.selectionIndependent(fragment!.selectionSet, fragment!.typeCondition.name.value, fragments, false, new Set(spreading).add(fragment!.name.value));
    });
  }
}
