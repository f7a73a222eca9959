import { parse, print } from 'graphql';
import { mergeDuplicateFields } from './mergeDuplicateFields';

const merged = (query: string) => print(mergeDuplicateFields(parse(query))).replace(/\s+/g, ' ');

describe('mergeDuplicateFields', () => {
  it('merges copies of a field into one, at every depth and in fragments', () => {
    expect(merged('{ orgs { id } orgs { name members { role } members { user { id } } } }')).toBe('{ orgs { id name members { role user { id } } } }');
    expect(merged('fragment F on Query { a: orgs { id } a: orgs { name } }')).toBe('fragment F on Query { a: orgs { id name } }');
    expect(merged('{ ... on Query { orgs { id } orgs { name } } }')).toBe('{ ... on Query { orgs { id name } } }');
  });

  it('leaves copies with directives, other arguments or other fields alone', () => {
    for (const query of [
      'query($x: Boolean!) { orgs { id } orgs @include(if: $x) { name } }',
      '{ orgs(first: 1) { id } orgs(first: 2) { name } }',
      '{ a: orgs { id } a: users { name } }',
      '{ orgs { id } other: orgs { name } }',
    ]) {
      const document = parse(query);
      expect(mergeDuplicateFields(document)).toBe(document);
    }
  });

  it('treats argument order as the same arguments', () => {
    expect(merged('{ orgs(a: 1, b: 2) { id } orgs(b: 2, a: 1) { name } }')).toBe('{ orgs(a: 1, b: 2) { id name } }');
  });
});
