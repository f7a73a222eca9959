import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** The random choices a generator makes; backed by fast-check's `gen()` in the fuzz test, so a seed replays a run. */
export interface Choices {
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** Keys JavaScript treats specially (the gateway refuses them as JSON keys), and names of inherited properties (refused as aliases). */
export const RESERVED_NAMES = ['__proto__', 'constructor', 'prototype'] as const;
export const INHERITED_NAMES = ['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'toLocaleString', '__defineGetter__', '__lookupSetter__'] as const;
/** Odd names the gateway must answer like any other: thenables, array-likes, serializers, function properties. */
const SPECIAL_NAMES = ['then', 'length', 'toJSON', 'name', 'call', 'apply', 'inspect', '__typename_'];
const ORDINARY_NAMES = ['a', 'b', 'node', 'item', 'x1', 'first', 'data', 'errors'];
/** Numeric strings cannot be GraphQL names, but they can be JSON keys. */
const NUMERIC_KEYS = ['0', '1', '42', '-1', '1e3'];

export interface FuzzContext {
  /** Values that name real things in the graph (handles, ids), so some operations reach real data. */
  handles: readonly string[];
  ids: readonly string[];
  /** Root mutation fields the fuzzer never calls for a signed-in viewer (they would end its session or data mid-run). */
  destructiveMutations: ReadonlySet<string>;
}

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  /** An alias naming a prototype key or an inherited property: the gateway must refuse it (400). */
  reservedAlias: boolean;
  /** A JSON key named like a prototype key somewhere in the variables: the gateway must refuse it (400 BAD_USER_INPUT). */
  reservedVariableKey: boolean;
}

const MAX_DEPTH = 4;

/** Builds one random operation over `schema`: selections across subgraphs, aliases, arguments, fragments, directives and variables. */
export function generateOperation(schema: GraphQLSchema, c: Choices, context: FuzzContext, options: { allowMutations: boolean; signedIn: boolean }): GeneratedOperation {
  const variableDefinitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const fragments: string[] = [];
  let reservedAlias = false;
  let reservedVariableKey = false;

  const stringValue = () =>
    c.pick([() => c.pick(context.handles), () => c.pick(context.ids), () => '', () => 'x'.repeat(c.int(1, 300)), () => '{"$ne":null}', () => '\u202Eevil', () => '0', () => c.pick([...RESERVED_NAMES, ...INHERITED_NAMES, ...SPECIAL_NAMES])])();
  const scalarValue = (name: string): unknown => {
    switch (name) {
      case 'Int':
        return c.pick([0, 1, 5, 20, -1, c.int(0, 200)]);
      case 'Float':
        return c.pick([0, 1.5, -2.25]);
      case 'Boolean':
        return c.chance(0.5);
      case 'ID':
        return c.chance(0.7) ? c.pick(context.ids) : stringValue();
      case 'DateTime':
        return c.pick(['2026-01-01T00:00:00.000Z', new Date().toISOString(), 'yesterday']);
      case 'JSONObject':
        return { note: stringValue() };
      default:
        return stringValue();
    }
  };

  /** A JavaScript value for a variable of `type`; `valid: false` gives a value of the wrong shape. */
  const jsValue = (type: GraphQLInputType, valid: boolean, depth = 0): unknown => {
    if (!valid && c.chance(0.5)) return c.pick([null, 12345, 'text', true, [], { $gt: '' }, {}]);
    if (isNonNullType(type)) return jsValue(type.ofType, valid, depth);
    if (isListType(type)) return Array.from({ length: c.int(0, 2) }, () => jsValue(type.ofType, valid, depth + 1));
    if (isEnumType(type)) return valid ? c.pick(type.getValues()).name : 'NOT_A_VALUE';
    if (isInputObjectType(type)) {
      const value: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) || (depth < 3 && c.chance(0.4))) value[field.name] = jsValue(field.type, valid || c.chance(0.7), depth + 1);
      }
      if (c.chance(0.03)) {
        const key = c.pick([...RESERVED_NAMES, ...NUMERIC_KEYS]);
        // An own key, as JSON.parse on the server will see it (plain assignment of "__proto__" would set the prototype).
        Object.defineProperty(value, key, { value: { isAdmin: true }, enumerable: true, writable: true, configurable: true });
        if ((RESERVED_NAMES as readonly string[]).includes(key)) reservedVariableKey = true;
      }
      return value;
    }
    return scalarValue(getNamedType(type).name);
  };

  /** A GraphQL literal for an argument of `type`. */
  const literal = (type: GraphQLInputType, valid: boolean, depth = 0): string => {
    if (!valid && c.chance(0.5)) return c.pick(['12345', '"text"', 'true', 'null', '[]', '{ x: 1 }', 'NOT_A_VALUE']);
    if (isNonNullType(type)) return literal(type.ofType, valid, depth);
    if (isListType(type)) return `[${Array.from({ length: c.int(0, 2) }, () => literal(type.ofType, valid, depth + 1)).join(', ')}]`;
    if (isEnumType(type)) return valid ? c.pick(type.getValues()).name : 'NOT_A_VALUE';
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields()).filter((field) => isNonNullType(field.type) || (depth < 3 && c.chance(0.4)));
      const parts = fields.map((field) => `${field.name}: ${literal(field.type, valid || c.chance(0.7), depth + 1)}`);
      if (c.chance(0.05)) parts.push(`${c.pick(RESERVED_NAMES)}: 1`);
      return `{ ${parts.join(', ')} }`;
    }
    return JSON.stringify(scalarValue(getNamedType(type).name));
  };

  const argument = (arg: GraphQLArgument): string | undefined => {
    if (!isNonNullType(arg.type) && !c.chance(0.5)) return undefined;
    if (isNonNullType(arg.type) && c.chance(0.03)) return undefined; // a required argument left out
    const mode = c.pick(['literal', 'literal', 'literal', 'variable', 'invalid'] as const);
    if (mode === 'variable') {
      const name = `v${variableDefinitions.length}`;
      // Sometimes declared with the wrong type, sometimes sent with a wrong value.
      const declared = c.chance(0.9) ? String(arg.type) : c.pick(['String', 'Int!', '[ID]', 'Boolean']);
      variableDefinitions.push(`$${name}: ${declared}`);
      if (!c.chance(0.05)) variables[name] = jsValue(arg.type, c.chance(0.85));
      return `${arg.name}: $${name}`;
    }
    return `${arg.name}: ${literal(arg.type, mode === 'literal')}`;
  };

  const directive = (): string => {
    if (!c.chance(0.1)) return '';
    const name = c.pick(['include', 'skip']);
    if (c.chance(0.5)) return ` @${name}(if: ${c.chance(0.5)})`;
    const variable = `d${variableDefinitions.length}`;
    variableDefinitions.push(`$${variable}: Boolean!`);
    variables[variable] = c.chance(0.9) ? c.chance(0.5) : 'yes';
    return ` @${name}(if: $${variable})`;
  };

  const alias = (used: Set<string>): string => {
    if (!c.chance(0.25)) return '';
    // Reserved names are refused outright, so they are rare: most operations should reach the graph.
    const reserved = c.chance(0.04);
    const name = reserved ? c.pick([...RESERVED_NAMES, ...INHERITED_NAMES]) : c.chance(0.5) ? c.pick(SPECIAL_NAMES) : c.pick(ORDINARY_NAMES);
    if (used.has(name)) return '';
    used.add(name);
    if (reserved) reservedAlias = true;
    return `${name}: `;
  };

  const selectionOf = (type: GraphQLNamedType, depth: number): string => {
    if (isObjectType(type)) return fieldsOf(type, depth);
    if (isInterfaceType(type) || isUnionType(type)) {
      const possible = schema.getPossibleTypes(type);
      const chosen = possible.length ? [c.pick(possible)] : [];
      return `__typename ${chosen.map((t) => `... on ${t.name} { ${fieldsOf(t, depth)} }`).join(' ')}`;
    }
    return '';
  };

  const fieldsOf = (type: GraphQLObjectType, depth: number, root?: 'query' | 'mutation'): string => {
    let fields: GraphQLField<unknown, unknown>[] = Object.values(type.getFields());
    if (root === 'mutation' && options.signedIn) fields = fields.filter((f) => !context.destructiveMutations.has(f.name));
    if (depth >= MAX_DEPTH) fields = fields.filter((f) => isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type)));
    const used = new Set<string>();
    const parts: string[] = [];
    const count = root === 'mutation' ? 1 : c.int(1, 3);
    for (let i = 0; i < count && fields.length; i += 1) {
      const field = c.pick(fields);
      const args = field.args.map(argument).filter((a): a is string => a !== undefined);
      const named = getNamedType(field.type);
      const sub = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ` { ${selectionOf(named, depth + 1) || '__typename'} }` : '';
      parts.push(`${alias(used)}${field.name}${args.length ? `(${args.join(', ')})` : ''}${directive()}${sub}`);
    }
    if (!parts.length || c.chance(0.1)) parts.push(`${alias(used)}__typename`);
    const body = parts.join(' ');
    // Sometimes the same selection travels through a fragment.
    if (!root && c.chance(0.15)) {
      const name = `F${fragments.length}`;
      fragments.push(`fragment ${name} on ${type.name} { ${body} }`);
      return `...${name}`;
    }
    if (!root && c.chance(0.1)) return `... on ${type.name} { ${body} }`;
    return body;
  };

  const mutation = options.allowMutations && schema.getMutationType() && c.chance(0.15);
  const rootType = mutation ? schema.getMutationType()! : schema.getQueryType()!;
  const selection = fieldsOf(rootType, 0, mutation ? 'mutation' : 'query');
  if (c.chance(0.03)) {
    const key = c.pick([...RESERVED_NAMES, ...NUMERIC_KEYS]);
    Object.defineProperty(variables, key, { value: { polluted: true }, enumerable: true, writable: true, configurable: true });
    if ((RESERVED_NAMES as readonly string[]).includes(key)) reservedVariableKey = true;
  }
  const operationName = c.chance(0.3) ? 'Fuzz' : undefined;
  const head = `${mutation ? 'mutation' : 'query'}${operationName ? ` ${operationName}` : ''}${variableDefinitions.length ? `(${variableDefinitions.join(', ')})` : ''}`;
  return { query: [`${head} { ${selection} }`, ...fragments].join('\n'), variables, ...(operationName ? { operationName } : {}), reservedAlias, reservedVariableKey };
}
