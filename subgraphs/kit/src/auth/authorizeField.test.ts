import { buildSchema, graphql } from 'graphql';
import { authorizeField, type Viewer } from '@profile-graph/core';
import { authDirectivesTransform } from './authDirectivesTransform';

const anonymous: Viewer = { kind: 'anonymous', scopes: [] };
const user: Viewer = { kind: 'user', userId: 'u', scopes: [] };
const partner = (...scopes: string[]): Viewer => ({ kind: 'partner', orgId: 'o', keyId: 'k', scopes });

describe('authorizeField', () => {
  it('lets any authenticated viewer through @authenticated', () => {
    expect(authorizeField(anonymous, { authenticated: true })).toBe(false);
    expect(authorizeField(user, { authenticated: true })).toBe(true);
    expect(authorizeField(partner(), { authenticated: true })).toBe(true);
  });

  it('reads @requiresScopes as OR of ANDs', () => {
    const requirement = { authenticated: true, scopes: [['jobs:read', 'applications:read'], ['candidates:search']] };
    expect(authorizeField(partner('jobs:read'), requirement)).toBe(false);
    expect(authorizeField(partner('jobs:read', 'applications:read'), requirement)).toBe(true);
    expect(authorizeField(partner('candidates:search'), requirement)).toBe(true);
    expect(authorizeField(user, requirement)).toBe(false);
  });
});

describe('authDirectivesTransform', () => {
  const schema = authDirectivesTransform(
    buildSchema(`
      directive @authenticated on FIELD_DEFINITION | OBJECT
      directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT
      type Query {
        open: String
        mine: String @authenticated
        jobs: String @requiresScopes(scopes: [["jobs:read"]])
      }
    `),
  );
  const rootValue = { open: 'o', mine: 'm', jobs: 'j' };
  const run = (viewer: Viewer) => graphql({ schema, source: '{ open mine jobs }', rootValue, contextValue: { viewer } });

  it('nulls denied fields with UNAUTHORIZED_FIELD_OR_TYPE before their resolver runs, keeping the rest', async () => {
    const result = await run(anonymous);
    expect(result.data).toEqual({ open: 'o', mine: null, jobs: null });
    expect(result.errors?.map((e) => [e.path, e.extensions['code']])).toEqual([
      [['mine'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
      [['jobs'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
    expect((await run(partner('jobs:read'))).data).toEqual({ open: 'o', mine: 'm', jobs: 'j' });
  });
});
