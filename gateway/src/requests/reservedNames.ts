import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * Keys a JavaScript object treats specially. As a response key the engine
 * would assign `result["__proto__"] = ...`, which replaces a prototype
 * (and, merged with Object.assign, writes into Object.prototype for the whole
 * process); its entity merge silently drops all three (graphql-tools'
 * isDangerousObjectKey). They are refused wherever a client names a key:
 * aliases, variable names, JSON keys in variables and extensions.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Response keys every plain object already has (Object.prototype's
 * properties). The engine reads subgraph data as `data[responseKey]`, so
 * where the subgraph's value is missing it picks up the inherited function
 * instead, and answers `{}` where @apollo/gateway answers the data (found by
 * the supergraph fuzzer with `toLocaleString:`). No alias may name one.
 */
export const RESERVED_ALIASES: ReadonlySet<string> = new Set([
  ...RESERVED_KEYS,
  'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable',
  '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);

/** Deeper than this, variables are refused: they only ever nest a few input objects, and walking them must not exhaust the stack. */
export const MAX_VARIABLE_DEPTH = 32;

const reserved = (kind: string, name: string) =>
  `The ${kind} "${name}" is reserved: names of JavaScript's built-in object properties (${[...RESERVED_ALIASES].join(', ')}) cannot be used; rename it.`;

/** Validation rule: no alias may name a built-in object property, no variable a reserved key. */
export function reservedNamesRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.alias && RESERVED_ALIASES.has(node.alias.value)) {
        context.reportError(new GraphQLError(reserved('alias', node.alias.value), { nodes: node.alias, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      }
    },
    VariableDefinition(node) {
      const name = node.variable.name.value;
      if (RESERVED_KEYS.has(name)) {
        context.reportError(new GraphQLError(reserved('variable', `$${name}`), { nodes: node.variable, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      }
    },
  };
}

export type JsonProblem = { path: string; problem: 'reserved' | 'depth' };

/**
 * The first reserved key in a parsed JSON value (JSON.parse makes
 * `"__proto__"` an own key, which any later Object.assign would turn into a
 * prototype), or the first place nesting exceeds MAX_VARIABLE_DEPTH.
 * Iterative, so a hostile 50,000-level array cannot overflow the stack.
 */
export function findJsonProblem(value: unknown, root: string): JsonProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.value === null || typeof current.value !== 'object') continue;
    if (current.depth > MAX_VARIABLE_DEPTH) return { path: current.path, problem: 'depth' };
    if (Array.isArray(current.value)) {
      current.value.forEach((item, index) => stack.push({ value: item, path: `${current.path}[${index}]`, depth: current.depth + 1 }));
      continue;
    }
    for (const key of Object.keys(current.value)) {
      const path = `${current.path}.${key}`;
      if (RESERVED_KEYS.has(key)) return { path, problem: 'reserved' };
      stack.push({ value: (current.value as Record<string, unknown>)[key], path, depth: current.depth + 1 });
    }
  }
  return undefined;
}
