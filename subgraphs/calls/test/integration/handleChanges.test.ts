import { eventually } from '@profile-graph/kit/testing';
import { applyHandleChange } from '../../src/consumers/projectUsers';
import { codeOf, startCall, startCallsHarness, type CallsHarness } from './callsHarness';

// Handle changes reach calls' projection by event, in any order of arrival; the versions decide.
describe('calls: handle changes applied by version', () => {
  let h: CallsHarness;
  let n = 0;
  const id = (name: string) => `hc${++n}_${name}`;
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
  const created = (userId: string, handle: string, when: Date) => h.publishIdentity('identity.v1.user.created', { userId, handle, displayName: handle, profileVersion: 1 }, when);
  const updated = (userId: string, handle: string, profileVersion: number | undefined, when: Date) =>
    h.publishIdentity('identity.v1.user.updated', { userId, changed: ['handle'], handle, ...(profileVersion ? { profileVersion } : {}) }, when);
  const handleOf = async (userId: string) => (await h.calls.services.users.findById(userId).lean())?.handleLower;
  /** Who a call to `handle` rings, once the projection settles. */
  const callee = async (callerId: string, handle: string) => {
    const res = await startCall(h, callerId, handle);
    if (codeOf(res)) return codeOf(res);
    return res.body.data.startCall.callee.id as string;
  };

  let caller: string;
  beforeAll(async () => {
    h = await startCallsHarness();
    caller = (await h.seedUsers('hc_caller')).hc_caller!;
  });
  afterAll(() => h?.close());

  it('in order: a rename frees the old handle for a new user, and each handle rings its owner', async () => {
    const a = id('a');
    const b = id('b');
    await created(a, 'h1_in_order', at(1));
    await updated(a, 'h2_in_order', 2, at(2));
    await created(b, 'h1_in_order', at(3));
    await eventually(async () => expect([await handleOf(a), await handleOf(b)]).toEqual(['h2_in_order', 'h1_in_order']));
    expect(await callee(caller, 'h1_in_order')).toBe(b);
    expect(await callee(caller, 'h2_in_order')).toBe(a);
  });

  it('a sign-up and its rename applied at the same moment both settle at once, without waiting for a redelivery', async () => {
    // The two durables race on a user's first write: both find no document and both insert. CI saw the loser wait
    // for its redelivery while the next sign-up parked the user, past the test's patience.
    const users = Array.from({ length: 20 }, () => id('race'));
    const outcomes = await Promise.allSettled(
      users.flatMap((userId) => [
        applyHandleChange(h.calls.services.users, { userId, handleLower: `${userId}_v1`, version: 1, at: at(1) }),
        applyHandleChange(h.calls.services.users, { userId, handleLower: `${userId}_v2`, version: 2, at: at(2) }),
      ]),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    for (const userId of users) expect(await handleOf(userId)).toBe(`${userId}_v2`);
  });

  it("the new owner's sign-up before the rename: the newer claim keeps the handle, the rename then lands", async () => {
    const a = id('a');
    const b = id('b');
    await created(a, 'h1_early', at(1));
    await eventually(async () => expect(await handleOf(a)).toBe('h1_early'));
    await created(b, 'h1_early', at(3));
    await eventually(async () => expect(await handleOf(b)).toBe('h1_early'));
    // Until A's rename arrives, A is parked on a placeholder nobody can call.
    expect(await handleOf(a)).toBe(`released:${a}`);
    expect(await callee(caller, `released:${a}`)).toBe('NOT_FOUND');
    await updated(a, 'h2_early', 2, at(2));
    await eventually(async () => expect(await handleOf(a)).toBe('h2_early'));
    expect(await callee(caller, 'h1_early')).toBe(b);
    expect(await callee(caller, 'h2_early')).toBe(a);
  });

  it('an older change never overwrites a newer one, whatever it arrives after', async () => {
    const a = id('a');
    await updated(a, 'v3_name', 3, at(3));
    await eventually(async () => expect(await handleOf(a)).toBe('v3_name'));
    await updated(a, 'v2_name', 2, at(4)); // a later clock does not beat a higher version
    await created(a, 'v1_name', at(1));
    await h.publishIdentity('identity.v1.user.updated', { userId: a, changed: ['handle'], handle: 'v3_again' }, at(5)); // unversioned = 1
    // A marker behind them on both durables: once it is applied, so were they.
    const marker = id('marker');
    await created(marker, `${marker}_c`, at(9));
    await updated(marker, `${marker}_u`, 2, at(10));
    await eventually(async () => expect(await handleOf(marker)).toBe(`${marker}_u`));
    await eventually(async () => expect(await h.calls.services.users.countDocuments({ handleLower: { $in: ['v2_name', 'v1_name', 'v3_again'] } })).toBe(0));
    expect(await h.calls.services.users.findById(a).lean()).toMatchObject({ handleLower: 'v3_name', profileVersion: 3 });
  });

  it('events from before versions apply in time order, and a stale claim loses to the current holder', async () => {
    const a = id('a');
    const b = id('b');
    await h.publishIdentity('identity.v1.user.created', { userId: a, handle: 'legacy_one', displayName: 'x' }, at(1));
    await h.publishIdentity('identity.v1.user.updated', { userId: a, changed: ['handle'], handle: 'legacy_two' }, at(2));
    await eventually(async () => expect(await handleOf(a)).toBe('legacy_two'));
    // B holds a handle since t=5; a redelivered claim of it by A from t=4 (A has renamed since) must not take it.
    await created(b, 'contested', at(5));
    await eventually(async () => expect(await handleOf(b)).toBe('contested'));
    await updated(a, 'contested', 2, at(4));
    await eventually(async () => expect(await h.calls.services.users.findById(a).lean()).toMatchObject({ profileVersion: 2 }));
    expect(await handleOf(a)).toBe(`released:${a}`);
    expect(await callee(caller, 'contested')).toBe(b);
  });

  it('a tombstone stays: no handle change brings a deleted user back', async () => {
    const a = id('a');
    await created(a, 'soon_gone', at(1));
    await eventually(async () => expect(await handleOf(a)).toBe('soon_gone'));
    await h.publishIdentity('identity.v1.user.deleted', { userId: a });
    await eventually(async () => expect(await handleOf(a)).toBe(`deleted:${a}`));
    await updated(a, 'back_again', 9, at(9));
    const marker = id('marker');
    await updated(marker, `${marker}_u`, 2, at(10));
    await eventually(async () => expect(await handleOf(marker)).toBe(`${marker}_u`));
    expect(await handleOf(a)).toBe(`deleted:${a}`);
    expect(await callee(caller, 'back_again')).toBe('NOT_FOUND');
  });
});
