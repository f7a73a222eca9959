import { createHash } from 'node:crypto';
import { AppError } from '@profile-graph/kit';
import { parseTrustedDocumentsManifest } from './parseTrustedDocumentsManifest';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const SEARCH = 'query Search { candidates { nodes { userId } } }';
const JOBS = 'query Jobs($first: Int) { jobs(first: $first) { nodes { ...J } } } fragment J on Job { id title }';

function refusal(text: string): { field: unknown; message: string } {
  try {
    parseTrustedDocumentsManifest(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { field: (error as AppError).extensions['field'], message: (error as AppError).message };
  }
  throw new Error('expected a refusal');
}

describe('parseTrustedDocumentsManifest', () => {
  it('reads an Apollo persisted query manifest', () => {
    const manifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(SEARCH), name: 'Search', type: 'query', body: SEARCH }] };
    expect(parseTrustedDocumentsManifest(JSON.stringify(manifest))).toEqual([{ id: sha256(SEARCH), name: 'Search', textHash: sha256(SEARCH), body: SEARCH }]);
  });

  it('reads the Relay / Hive map, with ids of its own choosing, fragments included', () => {
    const parsed = parseTrustedDocumentsManifest(JSON.stringify({ 'jobs-v1': JOBS, [sha256(SEARCH)]: SEARCH }));
    expect(parsed.map(({ id, name }) => ({ id, name }))).toEqual([
      { id: 'jobs-v1', name: 'Jobs' },
      { id: sha256(SEARCH), name: 'Search' },
    ]);
    expect(parsed[0]!.textHash).toBe(sha256(JOBS));
  });

  it('refuses, naming the entry, an Apollo id that is not the hash of its body', () => {
    const manifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256('other'), name: 'Search', type: 'query', body: SEARCH }] };
    expect(refusal(JSON.stringify(manifest))).toEqual({ field: 'manifest.operations[0].id', message: expect.stringMatching(/SHA-256/) });
  });

  it.each([
    ['not JSON', '{', 'manifest', /not valid JSON/],
    ['an array', '[]', 'manifest', /JSON object/],
    ['an unknown format', '{"format":"x","operations":[]}', 'manifest.format', /apollo-persisted-query-manifest/],
    ['a document that does not parse', '{"a":"query {"}', 'manifest["a"].body', /does not parse/],
    ['two operations in one document', '{"a":"query A { jobs { nodes { id } } } query B { jobs { nodes { id } } }"}', 'manifest["a"].body', /exactly one operation, found 2/],
    ['an anonymous operation', '{"a":"{ jobs { nodes { id } } }"}', 'manifest["a"].body', /needs a name/],
    ['a schema definition', '{"a":"type T { a: Int } query A { jobs { nodes { id } } }"}', 'manifest["a"].body', /operations and fragments only/],
    ['an id with spaces', '{"a b":"query A { jobs { nodes { id } } }"}', 'manifest["a b"].id', /letters, digits/],
    ['a document that is not text', '{"a":42}', 'manifest["a"].body', /document text/],
  ])('refuses %s', (_, text, field, message) => {
    const found = refusal(text);
    expect(found.field).toBe(field);
    expect(found.message).toMatch(message);
  });

  it('refuses more operations than one reply can carry', () => {
    const many = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`op${i}`, `query Q${i} { jobs { nodes { id } } }`]));
    expect(refusal(JSON.stringify(many))).toEqual({ field: 'manifest', message: expect.stringMatching(/1001 operations; at most 1000/) });
  });
});
