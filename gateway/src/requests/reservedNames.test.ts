import { buildSchema, parse, validate } from 'graphql';
import { MAX_VARIABLE_DEPTH, findJsonProblem, reservedNamesRule } from './reservedNames';

const schema = buildSchema('type Query { user(handle: String): User } type User { id: ID name: String }');
const errorsOf = (query: string) => validate(schema, parse(query), [reservedNamesRule]).map((e) => e.message);

describe('reservedNamesRule', () => {
  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', '__lookupGetter__'])('refuses the alias %s, naming it', (alias) => {
    expect(errorsOf(`{ user { ${alias}: name } }`)).toEqual([expect.stringContaining(`alias "${alias}" is reserved`)]);
  });

  it('refuses a reserved variable name', () => {
    expect(errorsOf('query($__proto__: String) { user(handle: $__proto__) { id } }')).toEqual([expect.stringContaining('variable "$__proto__"')]);
  });

  it('lets other names through, odd ones included', () => {
    expect(errorsOf('{ then: user { length: id toJSON: name __typename } }')).toEqual([]);
  });
});

describe('findJsonProblem', () => {
  it('finds a reserved key at any depth, with its path', () => {
    expect(findJsonProblem(JSON.parse('{"a":[{"b":{"__proto__":{"x":1}}}]}'), 'variables')).toEqual({ path: 'variables.a[0].b.__proto__', problem: 'reserved' });
    expect(findJsonProblem({ input: { constructor: 1 } }, 'variables')).toEqual({ path: 'variables.input.constructor', problem: 'reserved' });
  });

  it('refuses nesting beyond the limit without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findJsonProblem({ v: deep }, 'variables')?.problem).toBe('depth');
  });

  it('accepts ordinary variables, scalars and the limit itself', () => {
    let atLimit: unknown = 1;
    for (let i = 0; i < MAX_VARIABLE_DEPTH - 1; i += 1) atLimit = { a: atLimit };
    expect(findJsonProblem({ v: atLimit }, 'variables')).toBeUndefined();
    expect(findJsonProblem({ handle: 'ada', first: 10, tags: ['x', null] }, 'variables')).toBeUndefined();
    expect(findJsonProblem(undefined, 'variables')).toBeUndefined();
    expect(findJsonProblem('text', 'extensions')).toBeUndefined();
  });
});
