import { Kind, print, type ArgumentNode, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode, type VariableDefinitionNode } from 'graphql';

/** The subscription's one root field, as the client wrote it. */
export interface LiveRoot {
  operation: OperationDefinitionNode;
  field: FieldNode;
  responseKey: string;
  fragments: DocumentNode['definitions'];
}

/** Finds the root field of a subscription document, or says why there is none a client could fix. */
export function liveRoot(document: DocumentNode, operationName: string | null | undefined): LiveRoot | string {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return 'Name the subscription to run (operationName).';
  const [selection, ...rest] = operation.selectionSet.selections;
  if (!selection || rest.length > 0 || selection.kind !== Kind.FIELD) return 'A subscription selects exactly one field at its root, written out (no fragment spread there).';
  return {
    operation,
    field: selection,
    responseKey: selection.alias?.value ?? selection.name.value,
    fragments: document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION),
  };
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
export const variable = (variableName: string): ValueNode => ({ kind: Kind.VARIABLE, name: name(variableName) });
export const stringValue = (value: string): ValueNode => ({ kind: Kind.STRING, value });
export const intValue = (value: number): ValueNode => ({ kind: Kind.INT, value: String(value) });
const argument = (argName: string, value: ValueNode): ArgumentNode => ({ kind: Kind.ARGUMENT, name: name(argName), value });

/** The value the client gave one argument of the root field (a literal or its variable). */
export function argumentValue(root: LiveRoot, argName: string): ValueNode | undefined {
  return root.field.arguments?.find((a) => a.name.value === argName)?.value;
}

export const field = (fieldName: string, args: Record<string, ValueNode | undefined>, selectionSet?: SelectionSetNode, alias?: string): FieldNode => ({
  kind: Kind.FIELD,
  ...(alias ? { alias: name(alias) } : {}),
  name: name(fieldName),
  arguments: Object.entries(args)
    .filter((entry): entry is [string, ValueNode] => entry[1] !== undefined)
    .map(([argName, value]) => argument(argName, value)),
  ...(selectionSet ? { selectionSet } : {}),
});

export const selections = (...fields: (FieldNode | SelectionSetNode['selections'][number])[]): SelectionSetNode => ({ kind: Kind.SELECTION_SET, selections: fields });

/**
 * The query a live event is resolved with: the client's selection under the
 * query field that reads the same thing, with its variables and fragments, so
 * it passes through authentication, authorization, consent and the operation
 * limits exactly as that query would. The root is aliased to the
 * subscription's response key, so error paths already point where the client
 * expects them.
 */
export function liveQuery(root: LiveRoot, rootField: FieldNode, ownVariables: Record<string, 'ID!'> = {}): string {
  const own: VariableDefinitionNode[] = Object.entries(ownVariables).map(([variable, type]) => ({
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: name(variable) },
    type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name(type.slice(0, -1)) } },
  }));
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    ...(root.operation.name ? { name: root.operation.name } : {}),
    variableDefinitions: [...(root.operation.variableDefinitions ?? []), ...own],
    directives: [],
    selectionSet: selections({ ...rootField, alias: name(root.responseKey) }),
  };
  return print({ kind: Kind.DOCUMENT, definitions: [operation, ...root.fragments] });
}

/** The value of a root argument given as a literal or a variable, when it is a string. */
export function argumentString(root: LiveRoot, argName: string, variables: Record<string, unknown>): string | undefined {
  const value = argumentValue(root, argName);
  if (value?.kind === Kind.STRING) return value.value;
  if (value?.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'string' ? given : undefined;
  }
  return undefined;
}

/** The client's own selection on the subscription field (every subscription field returns an object). */
export const clientSelection = (root: LiveRoot): SelectionSetNode => root.field.selectionSet ?? selections();
