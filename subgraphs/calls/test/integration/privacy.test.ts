import { eventually } from '@profile-graph/kit/testing';
import { codeOf, startCall, startCallsHarness, type CallsHarness } from './callsHarness';

const PRIVACY = 'whoCanCall allowedCallers { id } blockedCallers { id }';

// Who may call me, on the calls subgraph over HTTP with real NATS and the MongoDB-wire server.
describe('calls: who may call me', () => {
  let h: CallsHarness;
  let u: Record<string, string>;

  const set = (userId: string, mutation: string, args: string, vars: Record<string, unknown>) =>
    h.gql(userId, `mutation { ${mutation}(${Object.entries(vars).map(([k]) => `${k}: $${k}`).join(', ')}) { ${PRIVACY} } }`.replace('mutation {', `mutation(${args}) {`), vars);
  const setWho = (userId: string, setting: string) => set(userId, 'setWhoCanCallMe', '$setting: WhoCanCall!', { setting });
  const listOp = (userId: string, mutation: string, other: string) => set(userId, mutation, '$userId: ID!', { userId: other });

  beforeAll(async () => {
    h = await startCallsHarness();
    u = await h.seedUsers('cleo', 'dan', 'fay', 'gus', 'hal');
  });
  afterAll(() => h?.close());

  it('a blocked caller gets the same generic FORBIDDEN as a caller the rules merely exclude', async () => {
    expect((await listOp(u.cleo!, 'blockCaller', u.dan!)).body.errors).toBeUndefined();
    const blocked = await startCall(h, u.dan!, 'cleo');
    expect(codeOf(blocked)).toBe('FORBIDDEN');

    await setWho(u.fay!, 'NOBODY');
    const restricted = await startCall(h, u.dan!, 'fay');
    // Same message, same extensions, no data: nothing tells a block from a restriction.
    expect(blocked.body).toEqual(restricted.body);
    expect(blocked.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(blocked.body.errors![0]!.message).not.toMatch(/block/i);

    // Others can still call; the block holds in every mode and can be lifted.
    expect(codeOf(await startCall(h, u.gus!, 'cleo'))).toBeUndefined();
    await setWho(u.cleo!, 'CONTACTS');
    await listOp(u.cleo!, 'allowCaller', u.dan!);
    expect(codeOf(await startCall(h, u.dan!, 'cleo'))).toBe('FORBIDDEN');
    await listOp(u.cleo!, 'unblockCaller', u.dan!);
    expect(codeOf(await startCall(h, u.dan!, 'cleo'))).toBeUndefined();
  });

  it('NOBODY refuses everyone, contacts included', async () => {
    await setWho(u.gus!, 'NOBODY');
    await listOp(u.gus!, 'allowCaller', u.hal!);
    expect(codeOf(await startCall(h, u.hal!, 'gus'))).toBe('FORBIDDEN');
    expect(codeOf(await startCall(h, u.fay!, 'gus'))).toBe('FORBIDDEN');
    await setWho(u.gus!, 'EVERYONE');
    expect(codeOf(await startCall(h, u.fay!, 'gus'))).toBeUndefined();
  });

  it('CONTACTS lets only the allow list through', async () => {
    const res = await setWho(u.hal!, 'CONTACTS');
    expect(res.body.data.setWhoCanCallMe).toEqual({ whoCanCall: 'CONTACTS', allowedCallers: [], blockedCallers: [] });
    await listOp(u.hal!, 'allowCaller', u.cleo!);
    expect(codeOf(await startCall(h, u.cleo!, 'hal'))).toBeUndefined();
    expect(codeOf(await startCall(h, u.dan!, 'hal'))).toBe('FORBIDDEN');
    await listOp(u.hal!, 'disallowCaller', u.cleo!);
    expect(codeOf(await startCall(h, u.cleo!, 'hal'))).toBe('FORBIDDEN');
  });

  it('VERIFIED_ONLY follows the verification projection, idempotently and in event-time order', async () => {
    await setWho(u.fay!, 'VERIFIED_ONLY');
    // Until identity reports a verification, everyone is unverified.
    expect(codeOf(await startCall(h, u.dan!, 'fay'))).toBe('FORBIDDEN');

    const verified = await h.publishIdentity('identity.v1.verification.completed', { userId: u.dan, status: 'VERIFIED' }, new Date(Date.now() - 1_000));
    await eventually(async () => expect(codeOf(await startCall(h, u.dan!, 'fay'))).toBeUndefined());

    // An older revocation arriving late does not undo the newer success; a redelivery changes nothing.
    await h.publishIdentity('identity.v1.verification.completed', { userId: u.dan, status: 'REVOKED' }, new Date(Date.now() - 60_000));
    await (await h.env.bus('identity')).publishRaw(verified.type, { ...verified, id: `${verified.id}-again` }, `${verified.id}-again`);
    await h.publishIdentity('identity.v1.verification.completed', { userId: u.dan, status: 'FAILED' });
    // The consumer handles events in order: once a later sentinel is projected, the three above were handled.
    await h.publishIdentity('identity.v1.verification.completed', { userId: u.hal, status: 'VERIFIED' });
    await eventually(async () => expect(await h.calls.services.verifications.findById(u.hal!).lean()).toMatchObject({ verified: true }));
    expect(codeOf(await startCall(h, u.dan!, 'fay'))).toBeUndefined();

    // A newer revocation does.
    await h.publishIdentity('identity.v1.verification.completed', { userId: u.dan, status: 'REVOKED' });
    await eventually(async () => expect(codeOf(await startCall(h, u.dan!, 'fay'))).toBe('FORBIDDEN'));
    // The older event name works too.
    await h.publishIdentity('identity.v1.user.verified', { userId: u.gus });
    await eventually(async () => expect(codeOf(await startCall(h, u.gus!, 'fay'))).toBeUndefined());
  });

  it('settings are the owner’s alone to read and change', async () => {
    const own = await h.userFields(u.cleo!, u.cleo!, `callPrivacy { ${PRIVACY} }`);
    expect(own.body.data._entities[0].callPrivacy.whoCanCall).toBe('CONTACTS');
    const other = await h.userFields(u.dan!, u.cleo!, `callPrivacy { ${PRIVACY} }`);
    expect(codeOf(other)).toBe('FORBIDDEN');
    expect(other.body.data?._entities?.[0] ?? null).toBeNull();
    expect(codeOf(await listOp(u.cleo!, 'blockCaller', 'no-such-user'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await listOp(u.cleo!, 'blockCaller', u.cleo!))).toBe('BAD_USER_INPUT');
    const anonymous = await h.gql(null, 'mutation { setWhoCanCallMe(setting: NOBODY) { whoCanCall } }');
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  });
});
