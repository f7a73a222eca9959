import { buildSchema, graphql, type GraphQLObjectType } from 'graphql';
import type { Viewer } from '../viewer/viewer';
import type { AccessLogRead } from './accessLogRecorder';
import { ConsentStateMap, type ConsentLookup } from './consentProjection';
import type { ConsentPurpose } from './consentPurposes';
import { consentFilter } from './consentFilter';
import { requiresConsentTransform } from './requiresConsentTransform';

const sdl = /* GraphQL */ `
  directive @requiresConsent(purpose: ConsentPurpose!, subjectField: String = "id") on FIELD_DEFINITION
  enum ConsentPurpose { EMPLOYER_SHARING HIRING_RECOMMENDATIONS CONTACT_DISCOVERY CANDIDATE_DISCOVERY }
  type Query { users: [User!]! profiles: [Profile!]! }
  type User { id: ID! name: String phone: String @requiresConsent(purpose: CONTACT_DISCOVERY) picks: [String!] @requiresConsent(purpose: HIRING_RECOMMENDATIONS) }
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

function setup() {
  const schema = buildSchema(sdl);
  const calls: string[] = [];
  const logged: AccessLogRead[] = [];
  const lookup = new FakeLookup();
  const user = schema.getType('User') as GraphQLObjectType;
  const profile = schema.getType('Profile') as GraphQLObjectType;
  const query = schema.getType('Query') as GraphQLObjectType;
  // Parents shaped like lean mongoose documents: `_id`, not `id`.
  query.getFields().users!.resolve = () => [{ _id: 'ada', name: 'Ada', phone: '+15550001' }, { _id: 'bob', name: 'Bob', phone: '+15550002' }];
  query.getFields().profiles!.resolve = (_parent, _args, context, info) => {
    const filter = consentFilter(info, context.viewer, 'EMPLOYER_SHARING');
    return [{ _id: 'ada' }, { _id: 'bob' }].filter((doc) => filter._id!.$in.includes(doc._id));
  };
  user.getFields().id!.resolve = (doc: { _id: string }) => doc._id;
  user.getFields().phone!.resolve = (doc: { _id: string; phone: string }) => {
    calls.push(`phone:${doc._id}`);
    return doc.phone;
  };
  user.getFields().picks!.resolve = (doc: { _id: string }) => {
    calls.push(`picks:${doc._id}`);
    return ['job-1'];
  };
  profile.getFields().userId!.resolve = (doc: { _id: string }) => doc._id;
  profile.getFields().history!.resolve = (doc: { _id: string }) => {
    calls.push(`history:${doc._id}`);
    return ['acme'];
  };
  requiresConsentTransform(schema, { lookup, accessLog: { record: (entry) => logged.push(entry) } });
  const run = (viewer: Viewer, source: string) =>
    graphql({ schema, source, contextValue: { viewer, log: { warn: () => undefined } } }) as Promise<{ data?: any; errors?: any[] }>;
  return { schema, lookup, calls, logged, run };
}

const ada: Viewer = { kind: 'user', userId: 'ada', scopes: [] };
const eve: Viewer = { kind: 'user', userId: 'eve', scopes: [] };
const partner: Viewer = { kind: 'partner', orgId: 'acme', keyId: 'key-1', scopes: [] };

describe('requiresConsentTransform', () => {
  it('denies without consent: null, CONSENT_REQUIRED with the purpose at the path, resolver never called, rest of the data intact', async () => {
    const { run, calls } = setup();
    const result = await run(eve, '{ users { name phone } }');
    expect(result.data?.users).toEqual([{ name: 'Ada', phone: null }, { name: 'Bob', phone: null }]);
    expect(result.errors?.map((e) => [e.path, e.extensions.code, e.extensions.purpose])).toEqual([
      [['users', 0, 'phone'], 'CONSENT_REQUIRED', 'CONTACT_DISCOVERY'],
      [['users', 1, 'phone'], 'CONSENT_REQUIRED', 'CONTACT_DISCOVERY'],
    ]);
    expect(calls).toEqual([]);
  });

  it('reads the subject from the parent (id falling back to _id) and grants per subject', async () => {
    const { run, lookup, calls, logged } = setup();
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED');
    const result = await run(partner, '{ users { phone } }');
    expect(result.data?.users).toEqual([{ phone: '+15550001' }, { phone: null }]);
    expect(calls).toEqual(['phone:ada']);
    expect(logged).toEqual([{ viewerKind: 'partner', viewerId: 'key-1', viewerOrgId: 'acme', subjectUserId: 'ada', field: 'User.phone', purpose: 'CONTACT_DISCOVERY' }]);
  });

  it('lets the owner read sharing purposes without consent (not logged), but binds the owner under processing purposes', async () => {
    const { run, calls, logged, lookup } = setup();
    const denied = await run(ada, '{ users { phone picks } }');
    expect(denied.data?.users[0]).toEqual({ phone: '+15550001', picks: null });
    expect(denied.errors?.find((e) => e.path.join('.') === 'users.0.picks')?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', purpose: 'HIRING_RECOMMENDATIONS' });
    expect(calls).toEqual(['phone:ada']);
    lookup.set('ada', 'HIRING_RECOMMENDATIONS', 'GRANTED');
    const granted = await run(ada, '{ users { picks } }');
    expect(granted.data?.users[0]).toEqual({ picks: ['job-1'] });
    expect(logged).toEqual([]);
  });

  it('uses the type\'s own resolver for a subjectField the document lacks (Profile.userId from _id)', async () => {
    const { run, lookup, calls } = setup();
    const schemaRun = await run(partner, '{ users { id } }');
    expect(schemaRun.errors).toBeUndefined();
    lookup.set('bob', 'EMPLOYER_SHARING', 'GRANTED');
    const withFilter = await run(partner, '{ profiles { userId history } }');
    expect(withFilter.data?.profiles).toEqual([{ userId: 'bob', history: ['acme'] }]);
    expect(calls).toEqual(['history:bob']);
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

  it('fails closed when the projection is unavailable: others get CONSENT_UNAVAILABLE, owners keep sharing-purpose reads', async () => {
    const { run, lookup, calls } = setup();
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED');
    lookup.set('ada', 'HIRING_RECOMMENDATIONS', 'GRANTED');
    lookup.available = false;
    const other = await run(eve, '{ users { phone } }');
    expect(other.data?.users[0].phone).toBeNull();
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'CONSENT_UNAVAILABLE', purpose: 'CONTACT_DISCOVERY' });
    const owner = await run(ada, '{ users { phone picks } }');
    expect(owner.data?.users[0]).toEqual({ phone: '+15550001', picks: null });
    expect(owner.errors?.[0].extensions.code).toBe('CONSENT_UNAVAILABLE');
    expect(calls).toEqual(['phone:ada']);
    // Lists: a partner gets an error, a user still sees themself (sharing purpose) and no one else.
    const list = await run(partner, '{ profiles { userId } }');
    expect(list.data).toBeNull();
    expect(list.errors?.[0].extensions.code).toBe('CONSENT_UNAVAILABLE');
    lookup.available = true;
    lookup.set('bob', 'EMPLOYER_SHARING', 'GRANTED');
    lookup.available = false;
    expect((await run(ada, '{ profiles { userId } }')).data?.profiles).toEqual([{ userId: 'ada' }]);
  });

  it('refuses a gated field whose parent has no readable subject', async () => {
    const { schema, run, lookup } = setup();
    lookup.set('ada', 'CONTACT_DISCOVERY', 'GRANTED');
    (schema.getType('Query') as GraphQLObjectType).getFields().users!.resolve = () => [{ name: 'nobody', phone: '+1' }];
    const result = await run(eve, '{ users { phone } }');
    expect(result.data?.users[0].phone).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('CONSENT_REQUIRED');
  });
});

describe('consentFilter', () => {
  it('lists consenting subjects only, plus the viewer for sharing purposes', async () => {
    const { run, lookup } = setup();
    lookup.set('bob', 'EMPLOYER_SHARING', 'GRANTED');
    lookup.set('ada', 'EMPLOYER_SHARING', 'GRANTED');
    lookup.set('ada', 'EMPLOYER_SHARING', 'WITHDRAWN');
    expect((await run(eve, '{ profiles { userId } }')).data?.profiles).toEqual([{ userId: 'bob' }]);
    expect((await run(ada, '{ profiles { userId } }')).data?.profiles).toEqual([{ userId: 'ada' }, { userId: 'bob' }]);
  });
});
