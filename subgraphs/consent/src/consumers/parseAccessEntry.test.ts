import { parseAccessEntry } from './parseAccessEntry';

const aggregated = {
  id: 'e-1',
  viewerKind: 'partner',
  viewerId: 'key-1',
  viewerOrgId: 'acme',
  subjectUserId: 'u-ada',
  purpose: 'EMPLOYER_SHARING',
  subgraph: 'hiring',
  fields: ['HiringProfile.skills', 'HiringProfile.employmentHistory'],
  count: 200,
  firstAt: '2030-01-01T00:00:00.000Z',
  lastAt: '2030-01-01T00:00:00.196Z',
};
const { fields: _fields, count: _count, firstAt: _firstAt, lastAt: _lastAt, ...common } = aggregated;
const legacy = { ...common, field: 'HiringProfile.skills', at: '2029-12-31T23:59:59.000Z' };

describe('parseAccessEntry', () => {
  it('turns an aggregated entry into the document to store (fields sorted, each once)', () => {
    expect(parseAccessEntry({ ...aggregated, fields: ['HiringProfile.skills', 'HiringProfile.employmentHistory', 'HiringProfile.skills'] })).toEqual({
      doc: {
        _id: 'e-1',
        viewerKind: 'partner',
        viewerId: 'key-1',
        viewerOrgId: 'acme',
        subjectUserId: 'u-ada',
        purpose: 'EMPLOYER_SHARING',
        subgraph: 'hiring',
        fields: ['HiringProfile.employmentHistory', 'HiringProfile.skills'],
        count: 200,
        firstAt: new Date('2030-01-01T00:00:00.000Z'),
        at: new Date('2030-01-01T00:00:00.196Z'),
      },
    });
  });

  it('accepts the one-read shape still on the stream as fields [field], count 1, first = last = at', () => {
    expect(parseAccessEntry(legacy).doc).toMatchObject({
      _id: 'e-1',
      fields: ['HiringProfile.skills'],
      count: 1,
      firstAt: new Date('2029-12-31T23:59:59.000Z'),
      at: new Date('2029-12-31T23:59:59.000Z'),
    });
    expect(parseAccessEntry({ ...legacy, viewerKind: 'anonymous', viewerId: null, viewerOrgId: null }).doc).toMatchObject({ viewerId: null, viewerOrgId: null });
  });

  it.each([
    ['not an object', 'just a string', ['entry: expected an object, got string']],
    ['null', null, ['entry: expected an object, got null']],
    ['no id', { ...aggregated, id: undefined }, ['id: missing or not a string']],
    ['an unknown viewer kind', { ...aggregated, viewerKind: 'robot' }, ['viewerKind: "robot" is not one of anonymous, user, partner, service']],
    ['no viewerId at all', { ...aggregated, viewerId: undefined }, ['viewerId: expected a string or null, got nothing']],
    ['a numeric viewerOrgId', { ...aggregated, viewerOrgId: 7 }, ['viewerOrgId: expected a string or null, got number']],
    ['no subject', { ...aggregated, subjectUserId: '' }, ['subjectUserId: missing or not a string']],
    ['an unknown purpose', { ...aggregated, purpose: 'SELLING' }, ['purpose: "SELLING" is not a consent purpose']],
    ['no subgraph', { ...aggregated, subgraph: undefined }, ['subgraph: missing or not a string']],
    ['empty fields', { ...aggregated, fields: [] }, ['fields: expected a non-empty array of Type.field strings']],
    ['a non-string field', { ...aggregated, fields: ['HiringProfile.skills', 3] }, ['fields: expected a non-empty array of Type.field strings']],
    ['a zero count', { ...aggregated, count: 0 }, ['count: expected a whole number of reads of at least 1, got 0']],
    ['a fractional count', { ...aggregated, count: 1.5 }, ['count: expected a whole number of reads of at least 1, got 1.5']],
    ['no count', { ...aggregated, count: undefined }, ['count: expected a whole number of reads of at least 1, got undefined']],
    ['fewer reads than fields', { ...aggregated, count: 1 }, ['count: 1 reads cannot cover 2 fields']],
    ['no firstAt', { ...aggregated, firstAt: undefined }, ['firstAt: expected an ISO time, got undefined']],
    ['a lastAt that is not a time', { ...aggregated, lastAt: 'yesterday' }, ['lastAt: "yesterday" is not a time']],
    ['firstAt after lastAt', { ...aggregated, firstAt: '2030-01-02T00:00:00.000Z' }, ['firstAt: after lastAt']],
    ['neither fields nor field', common, ['fields: missing (and no field of the one-read shape either)']],
    ['a one-read entry without at', { ...legacy, at: undefined }, ['at: expected an ISO time, got undefined']],
    ['a one-read entry with an empty field', { ...legacy, field: '' }, ['field: expected a Type.field string']],
  ])('drops an entry with %s, naming what is wrong', (_what, raw, problems) => {
    expect(parseAccessEntry(raw)).toEqual({ problems });
  });

  it('names every problem of an entry at once', () => {
    expect(parseAccessEntry({ id: 'e-2', fields: 'HiringProfile.skills' }).problems).toEqual([
      'viewerKind: undefined is not one of anonymous, user, partner, service',
      'viewerId: expected a string or null, got nothing',
      'viewerOrgId: expected a string or null, got nothing',
      'subjectUserId: missing or not a string',
      'purpose: undefined is not a consent purpose',
      'subgraph: missing or not a string',
      'fields: expected a non-empty array of Type.field strings',
      'count: expected a whole number of reads of at least 1, got undefined',
      'firstAt: expected an ISO time, got undefined',
      'lastAt: expected an ISO time, got undefined',
    ]);
  });
});
