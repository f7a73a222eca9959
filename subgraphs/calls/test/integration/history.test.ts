import { eventually } from '@profile-graph/kit/testing';
import { act, CALL_FIELDS, callOk, codeOf, startCall, startCallsHarness, type CallsHarness } from './callsHarness';

const HISTORY = `callHistory(first: $first, after: $after) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } }`;
const VARS = ', $first: Int, $after: String';

describe('calls: history and deleted accounts', () => {
  let h: CallsHarness;
  let u: Record<string, string>;

  beforeAll(async () => {
    h = await startCallsHarness();
    u = await h.seedUsers('olga', 'pete', 'quin', 'rosa');
  });
  afterAll(() => h?.close());

  it('pages through a user’s calls, newest first, without gaps or repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await callOk(h, u.olga!, 'pete'));
      h.advance(1_000);
    }
    const seen: string[] = [];
    let after: string | null = null;
    const pages: number[] = [];
    for (;;) {
      const res: { body: { data?: any; errors?: unknown } } = await h.userFields(u.pete!, u.pete!, HISTORY, { first: 2, after }, VARS);
      expect(res.body.errors).toBeUndefined();
      const page: any = res.body.data._entities[0].callHistory;
      pages.push(page.edges.length);
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual([...ids].reverse());

    const recent = await h.userFields(u.olga!, u.olga!, 'recentCalls(first: 3) { id }');
    expect(recent.body.data._entities[0].recentCalls.map((c: any) => c.id)).toEqual(ids.slice(2).reverse());
    expect(codeOf(await h.userFields(u.olga!, u.olga!, HISTORY, { first: 2, after: 'garbage' }, VARS))).toBe('BAD_USER_INPUT');
  });

  it('nobody else learns who called whom', async () => {
    const id = await callOk(h, u.olga!, 'pete');
    expect(codeOf(await h.userFields(u.quin!, u.pete!, HISTORY, { first: 2, after: null }, VARS))).toBe('FORBIDDEN');
    expect(codeOf(await h.userFields(u.quin!, u.pete!, 'recentCalls { id }'))).toBe('FORBIDDEN');
    const asOutsider = await h.gql(u.quin!, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Call { participants { id } } } }`, {
      reps: [{ __typename: 'Call', id }],
    });
    expect(asOutsider.body.data._entities).toEqual([null]);
  });

  it('anonymizes a deleted user’s calls for the other participant, idempotently', async () => {
    const id = await callOk(h, u.rosa!, 'quin');
    await h.gql(u.rosa!, 'mutation($id: ID!) { setCallEncryption(callId: $id, enabled: true) { id } }', { id });
    await act(h, u.quin!, 'acceptCall', id);
    const live = await callOk(h, u.quin!, 'rosa');

    const deleted = await h.publishIdentity('identity.v1.user.deleted', { userId: u.rosa });
    const call = await eventually(async () => {
      const res = await h.gql(u.quin!, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Call { ${CALL_FIELDS} } } }`, {
        reps: [{ __typename: 'Call', id }],
      });
      const found = res.body.data._entities[0];
      if (!found.anonymized) throw new Error('not anonymized yet');
      return found;
    });
    expect(call).toMatchObject({ anonymized: true, caller: null, callee: { id: u.quin }, participants: [{ id: u.quin }], status: 'FAILED' });
    expect(call.encryption.history.map((e: any) => e.changedBy)).toEqual([null, null]);
    expect(JSON.stringify(await h.calls.services.calls.findById(id).lean())).not.toContain(u.rosa);
    expect(JSON.stringify(await h.calls.services.changes.find({ callId: id }).lean())).not.toContain(u.rosa);

    // Their live calls (this active one, and the one ringing) failed; their handle no longer resolves.
    const failed = await h.gql(u.quin!, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Call { status } } }`, {
      reps: [{ __typename: 'Call', id: live }],
    });
    expect(failed.body.data._entities[0].status).toBe('FAILED');
    expect(codeOf(await startCall(h, u.quin!, 'rosa'))).toBe('NOT_FOUND');

    // Redelivery, and a late user.created, change nothing.
    await (await h.env.bus('identity')).publishRaw(deleted.type, { ...deleted, id: `${deleted.id}-again` }, `${deleted.id}-again`);
    await h.publishIdentity('identity.v1.user.created', { userId: u.rosa, handle: 'rosa', displayName: 'r' });
    const sentinel = await h.seedUsers('sam');
    expect(sentinel.sam).toBeDefined();
    expect(codeOf(await startCall(h, u.quin!, 'rosa'))).toBe('NOT_FOUND');
    expect((await h.calls.services.changes.find({ callId: live, status: 'FAILED' }).lean())).toHaveLength(1);
  });
});
