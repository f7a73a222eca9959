import { keyDifference, shapeProblem, skeleton } from './responseShape';

describe('fuzz response checks', () => {
  it('finds a key one side lacks, including prototype-like keys', () => {
    const ours = skeleton(JSON.parse('{"user":{"toString":"a","id":"1"}}'));
    const theirs = skeleton(JSON.parse('{"user":{"toString":"a","id":"1","__proto__":"x"}}'));
    expect(keyDifference(ours, theirs)).toMatch(/^data\.user: keys \[id, toString\] here, \[__proto__, id, toString\]/);
    expect(keyDifference(ours, ours)).toBeUndefined();
  });

  it('lets values and nulls differ', () => {
    expect(keyDifference(skeleton({ a: { b: 1 }, c: [] }), skeleton({ a: null, c: [{ d: 1 }] }))).toBeUndefined();
  });

  it('checks the GraphQL-over-HTTP shape', () => {
    expect(shapeProblem({})).toBe('neither data nor errors');
    expect(shapeProblem({ data: null })).toBeUndefined();
    expect(shapeProblem({ errors: [] })).toMatch(/non-empty/);
    expect(shapeProblem({ data: {}, stack: 'x' })).toMatch(/unexpected top-level keys: stack/);
    expect(shapeProblem('Something went wrong')).toMatch(/not a JSON object/);
  });
});
