import { buildSchema, graphql, type GraphQLObjectType } from 'graphql';
import type { Viewer } from '@profile-graph/core';
import type { AccessLogRead } from './accessLogRecorder';
import { ConsentStateMap, type ConsentLookup } from './consentProjection';
import type { ConsentPurpose } from './consentPurposes';
import { consentFilter } from './consentFilter';
import type { RecipientRelations } from './decideConsent';
import { requiresConsentTransform } from './requiresConsentTransform';

const sdl = /* GraphQL */ `
  directive @requiresConsent(purpose: ConsentPurpose!, subjectField: String = "id") on FIELD_DEFINITION
  enum ConsentPurpose { EMPLOYER_SHARING HIRING_RECOMMENDATIONS CONTACT_DISCOVERY CANDIDATE_DISCOVERY BIOMETRIC_VERIFICATION }
  type Query { users: [User!]! profiles: [Profile!]! }
  type User { id: ID! name: String phone: String @requiresConsent(purpose: CONTACT_DISCOVERY) picks: [String!] @requiresConsent(purpose: HIRING_RECOMMENDATIONS) face: String @requiresConsent(purpose: BIOMETRIC_VERIFICATION) }
  type Profile { userId: ID! history: [String!] @requiresConsent(purpose: EMPLOYER_SHARING, subjectField: "userId") }
`;

class FakeLookup implements ConsentLookup {
  readonly states = new ConsentStateMap();
  available = true;
  private versions = new Map<string, number>();
  set(userId: string, purpose: ConsentPurpose, status: 'GRANTED' | 'WITHDRAWN') {
    const version = (this.versions.get(`${userId}:${purpose}`) ?? 0) + 1;
    this.versions.set(`${userId}:${purpose}`, version);
    this.states.apply({ userId, purpose, status, version, updatedAt: new Date().toISOString() });
  }
  isGranted = (u: string, p: ConsentPurpose) => this.states.isGranted(u, p);
  grantedSubjects = (p: ConsentPurpose) => this.states.grantedSubjects(p);
  isAvailable = () => this.available;
}

/** Applications and members as hiring would supply them; `async` answers like a per-request batched lookup. */
class FakeRelations implements RecipientRelations {
  applications = new Map<string, Set<string>>([['bob', new Set(['acme'])]]);
  members = new Map<string, Map<string, string>>([['rita', new Map([['acme', 'RECRUITER']])], ['vic', new Map([['acme', 'VIEWER']])]]);
  async = false;
  lookups = 0;
  private answer<T>(value: T): T | Promise<T> {
    this.lookups += 1;
    return this.async ? Promise.resolve(value) : value;
  }
  memberOrganizations(userId: string, roles: readonly string[]) {
    const orgs = [...(this.members.get(userId) ?? new Map<string, string>())].filter(([, role]) => roles.includes(role)).map(([org]) => org);
    return this.answer(new Set(orgs));
  }
  applicationOrganizations(subject: string) {
    return this.answer(new Set(this.applications.get(subject) ?? []));
  }
}

function setup() {
  const schema = buildSchema(sdl);
  const calls: string[] = [];
  const logged: AccessLogRead[] = [];
  const lookup = new FakeLookup();
  const relations = new FakeRelations();
  const user = schema.getType('User') as GraphQLObjectType;
  const profile = schema.getType('Profile') as GraphQLObjectType;
  const query = schema.getType('Query') as GraphQLObjectType;
  // Parents shaped like lean mongoose documents: `_id`, not `id`.
  query.getFields().users!.resolve = () => [{ _id: 'ada', name: 'Ada', phone: '+15550001' }, { _id: 'bob', name: 'Bob', phone: '+15550002' }];
  query.getFields().profiles!.resolve = (_parent, _args, context, info) => {
    const filter = consentFilter(info, context.viewer, 'CONTACT_DISCOVERY');
    return [{ _id: 'ada' }, { _id: 'bob' }].filter((doc) => filter._id!.$in.includes(doc._id));
  };
  user.getFields().id!.resolve = (doc: { _id: string }) => doc._id;
  for (const name of ['phone', 'picks', 'face'] as const) {
    user.getFields()[name]!.resolve = (doc: { _id: string; phone: string }) => {
      calls.push(`${name}:${doc._id}`);
      return name === 'phone' ? doc.phone : name === 'picks' ? ['job-1'] : 'template';
    };
  }
  profile.getFields().userId!.resolve = (doc: { _id: string }) => doc._id;
  profile.getFields().history!.resolve = (doc: { _id: string }) => {
    calls.push(`history:${doc._id}`);
    return ['acme'];
  };
  requiresConsentTransform(schema, { lookup, relations, accessLog: { record: (entry) => logged.push(entry) } });
  const run = (viewer: Viewer, source: string) =>
    graphql({ schema, source, contextValue: { viewer, log: { warn: () => undefined } } }) as Promise<{ data?: any; errors?: any[] }>;
  return { schema, lookup, relations, calls, logged, run };
}

const ada: Viewer = { kind: 'user', userId: 'ada', scopes: [] };
const eve: Viewer = { kind: 'user', userId: 'eve', scopes: [] };
const rita: Viewer = { kind: 'user', userId: 'rita', scopes: [] };
const vic: Viewer = { kind: 'user', userId: 'vic', scopes: [] };
const anonymous: Viewer = { kind: 'anonymous', scopes: [] };
const partner: Viewer = { kind: 'partner', orgId: 'acme', keyId: 'key-1', scopes: ['applications:read'] };
const partnerNoScope: Viewer = { kind: 'partner', orgId: 'acme', keyId: 'key-2', scopes: ['jobs:read'] };
const otherPartner: Viewer = { kind: 'partner', orgId: 'globex', keyId: 'key-3', scopes: ['applications:read'] };
const recommender: Viewer = { kind: 'service', scopes: ['hiring:recommendations'] };
const service: Viewer = { kind: 'service', scopes: ['operator:organizations'] };
const REFUSAL = 'UNAUTHORIZED_FIELD_OR_TYPE';
const codesOf = (result: { errors?: any[] }) => (result.errors ?? []).map((e) => [e.path.join('.'), e.extensions.code, e.message]);

describe('requiresConsentTransform', () => {
  it('refuses a recipient without consent: null, CONSENT_REQUIRED with the purpose at the path, resolver never called, rest intact', async () => {
    const { run, calls, logged } = setup();
    const result = await run(eve, '{ users { name phone } }');
    expect(result.data?.users).toEqual([{ name: 'Ada', phone: null }, { name: 'Bob', phone: null }]);
    expect(result.errors?.map((e) => [e.path, e.extensions.code, e.extensions.purpose])).toEqual([
      [['users', 0, 'phone'], 'CONSENT_REQUIRED', 'CONTACT_DISCOVERY'],
      [['users', 1, 'phone'], 'CONSENT_REQUIRED', 'CONTACT_DISCOVERY'],
    ]);
    expect(calls).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('grants a recipient with consent, per subject, and logs the read', async () => {
    const { run, lookup, calls, logged } = setup();
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED');
    const result = await run(eve, '{ users { phone } }');
    expect(result.data?.users).toEqual([{ phone: '+15550001' }, { phone: null }]);
    expect(calls).toEqual(['phone:ada']);
    expect(logged).toEqual([{ viewerKind: 'user', viewerId: 'eve', viewerOrgId: null, subjectUserId: 'ada', field: 'User.phone', purpose: 'CONTACT_DISCOVERY' }]);
  });

  it('gives a viewer outside the recipients one fixed refusal whatever the consent state, without running or logging anything', async () => {
    const { run, lookup, calls, logged } = setup();
    const answers: unknown[] = [];
    for (const state of ['never', 'GRANTED', 'WITHDRAWN'] as const) {
      if (state !== 'never') {
        lookup.set('ada', 'CONTACT_DISCOVERY', state);
        lookup.set('ada', 'BIOMETRIC_VERIFICATION', state);
        lookup.set('ada', 'HIRING_RECOMMENDATIONS', state);
      }
      for (const [viewer, source] of [
        [anonymous, '{ users { phone } }'],
        [partner, '{ users { phone } }'],
        [eve, '{ users { face } }'],
        [partner, '{ users { face } }'],
        [eve, '{ users { picks } }'],
        [service, '{ users { picks } }'],
      ] as const) {
        const result = await run(viewer, source);
        answers.push(JSON.stringify([viewer, source, result]));
        expect(result.data?.users[0]).toEqual({ [source.includes('phone') ? 'phone' : source.includes('face') ? 'face' : 'picks']: null });
        expect(codesOf(result).every(([, code]) => code === REFUSAL)).toBe(true);
      }
    }
    // Identical answers in all three consent states: the refusal says nothing about consent.
    const [never, granted, withdrawn] = [answers.slice(0, 6), answers.slice(6, 12), answers.slice(12)];
    expect(granted).toEqual(never);
    expect(withdrawn).toEqual(never);
    expect(calls).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('lets the owner read sharing purposes without consent (not logged), binds the owner under processing purposes, and serves named-scope services', async () => {
    const { run, calls, logged, lookup } = setup();
    const denied = await run(ada, '{ users { phone picks face } }');
    expect(denied.data?.users[0]).toEqual({ phone: '+15550001', picks: null, face: 'template' });
    expect(denied.errors?.find((e) => e.path.join('.') === 'users.0.picks')?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', purpose: 'HIRING_RECOMMENDATIONS' });
    // Another subject's biometric data is refused to the owner of a different record.
    expect(denied.errors?.find((e) => e.path.join('.') === 'users.1.face')?.extensions.code).toBe(REFUSAL);
    expect(calls).toEqual(['phone:ada', 'face:ada']);
    lookup.set('ada', 'HIRING_RECOMMENDATIONS', 'GRANTED');
    const granted = await run(ada, '{ users { picks } }');
    expect(granted.data?.users[0]).toEqual({ picks: ['job-1'] });
    expect(logged).toEqual([]);
    const byService = await run(recommender, '{ users { picks } }');
    expect(byService.data?.users).toEqual([{ picks: ['job-1'] }, { picks: null }]);
    expect(codesOf(byService)).toEqual([['users.1.picks', 'CONSENT_REQUIRED', 'The data subject has not consented to HIRING_RECOMMENDATIONS.']]);
    expect(logged.map((entry) => [entry.viewerKind, entry.subjectUserId])).toEqual([['service', 'ada']]);
  });

  it.each([false, true])('EMPLOYER_SHARING reaches only the organization the subject applied to, while application and consent stand (async lookups: %s)', async (async) => {
    const { schema, run, lookup, relations, calls, logged } = setup();
    relations.async = async;
    (schema.getType('Query') as GraphQLObjectType).getFields().profiles!.resolve = () => [{ _id: 'ada' }, { _id: 'bob' }];
    lookup.set('ada', 'EMPLOYER_SHARING', 'GRANTED');
    lookup.set('bob', 'EMPLOYER_SHARING', 'GRANTED');
    const read = async (viewer: Viewer) => {
      const result = await run(viewer, '{ profiles { userId history } }');
      return result.data?.profiles.map((p: { history: unknown }) => p.history);
    };
    // bob applied to acme; ada applied nowhere.
    expect(await read(partner)).toEqual([null, ['acme']]);
    expect(await read(rita)).toEqual([null, ['acme']]);
    for (const outsider of [partnerNoScope, otherPartner, vic, eve, anonymous, service]) expect(await read(outsider)).toEqual([null, null]);
    expect(calls).toEqual(['history:bob', 'history:bob']);
    expect(logged.map((entry) => [entry.viewerKind, entry.viewerOrgId, entry.subjectUserId])).toEqual([['partner', 'acme', 'bob'], ['user', null, 'bob']]);
    // Consent withdrawn: the related partner is told CONSENT_REQUIRED (it is a recipient); others still get the refusal.
    lookup.set('bob', 'EMPLOYER_SHARING', 'WITHDRAWN');
    expect(codesOf(await run(partner, '{ profiles { history } }')).map(([path, code]) => [path, code])).toEqual([['profiles.0.history', REFUSAL], ['profiles.1.history', 'CONSENT_REQUIRED']]);
    // Application withdrawn, consent back: no longer a recipient.
    lookup.set('bob', 'EMPLOYER_SHARING', 'GRANTED');
    relations.applications.delete('bob');
    expect(await read(partner)).toEqual([null, null]);
    expect(codesOf(await run(partner, '{ profiles { history } }')).map(([, code]) => code)).toEqual([REFUSAL, REFUSAL]);
  });

  it('follows withdrawal, and a replayed older grant does not resurrect it', async () => {
    const { run, lookup } = setup();
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED'); // v1
    lookup.set('ada', 'CONTACT_DISCOVERY', 'WITHDRAWN'); // v2
    expect(lookup.states.apply({ userId: 'ada', purpose: 'CONTACT_DISCOVERY', status: 'GRANTED', version: 1, updatedAt: '' })).toBe(false);
    const result = await run(eve, '{ users { phone } }');
    expect(result.data?.users[0].phone).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('CONSENT_REQUIRED');
  });

  it('fails closed when the projection is unavailable: recipients get CONSENT_UNAVAILABLE, owners keep sharing-purpose reads, non-recipients the same refusal', async () => {
    const { run, lookup, calls } = setup();
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED');
    lookup.set('ada', 'HIRING_RECOMMENDATIONS', 'GRANTED');
    lookup.available = false;
    const other = await run(eve, '{ users { phone } }');
    expect(other.data?.users[0].phone).toBeNull();
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'CONSENT_UNAVAILABLE', purpose: 'CONTACT_DISCOVERY' });
    expect((await run(anonymous, '{ users { phone } }')).errors?.[0].extensions.code).toBe(REFUSAL);
    const owner = await run(ada, '{ users { phone picks } }');
    expect(owner.data?.users[0]).toEqual({ phone: '+15550001', picks: null });
    expect(owner.errors?.[0].extensions.code).toBe('CONSENT_UNAVAILABLE');
    expect(calls).toEqual(['phone:ada']);
    // Lists: a signed-in user sees themself (sharing purpose) and no one else; a partner is refused outright.
    expect((await run(ada, '{ profiles { userId } }')).data?.profiles).toEqual([{ userId: 'ada' }]);
    expect((await run(eve, '{ profiles { userId } }')).data?.profiles).toEqual([]);
  });

  it('refuses a gated field whose parent has no readable subject', async () => {
    const { schema, run, lookup } = setup();
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED');
    (schema.getType('Query') as GraphQLObjectType).getFields().users!.resolve = () => [{ name: 'nobody', phone: '+1' }];
    const result = await run(eve, '{ users { phone } }');
    expect(result.data?.users[0].phone).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe(REFUSAL);
  });

  it('refuses to build a schema whose relationship-bound purpose has no relationship lookup', () => {
    expect(() => requiresConsentTransform(buildSchema(sdl), { lookup: new FakeLookup() })).toThrow(/Profile.history: EMPLOYER_SHARING needs the applications relationship/);
  });
});

describe('consentFilter', () => {
  it('lists consenting subjects only, plus the viewer for sharing purposes, and refuses non-recipients before consent', async () => {
    const { run, lookup } = setup();
    lookup.set('bob', 'CONTACT_DISCOVERY', 'GRANTED');
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED');
    lookup.set('ada', 'CONTACT_DISCOVERY', 'WITHDRAWN');
    expect((await run(eve, '{ profiles { userId } }')).data?.profiles).toEqual([{ userId: 'bob' }]);
    expect((await run(ada, '{ profiles { userId } }')).data?.profiles).toEqual([{ userId: 'ada' }, { userId: 'bob' }]);
    const refused = await run(partner, '{ profiles { userId } }');
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0].extensions.code).toBe(REFUSAL);
  });
});
