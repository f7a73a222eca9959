import { createEvent, ERASURE_REQUESTED_SUBJECT } from '@profile-graph/kit';
import { eventually } from '@profile-graph/kit/testing';
import { startCallsHarness, type CallsHarness } from './callsHarness';

// identity's events and the erasure request travel on different streams: a verification can arrive after the
// erasure. Over the real bus it must find the tombstone and store nothing.
describe('calls: events arriving after an erasure', () => {
  let h: CallsHarness;
  beforeAll(async () => {
    h = await startCallsHarness();
  });
  afterAll(() => h?.close());

  it('a late verification does not recreate the erased user’s verification record', async () => {
    const { late_verified: userId } = await h.seedUsers('late_verified');
    await h.publishIdentity('identity.v1.user.verified', { userId, verified: true });
    await eventually(async () => expect(await h.calls.services.verifications.countDocuments({ _id: userId })).toBe(1));

    await (await h.env.bus('consent')).publish(createEvent(ERASURE_REQUESTED_SUBJECT, { requestId: 'calls-late-1', userId }));
    await eventually(async () => expect(await h.calls.db.collection('privacy_erasures').countDocuments({ _id: 'calls-late-1' as never })).toBe(1), 10_000);
    expect(await h.calls.services.verifications.countDocuments({ _id: userId })).toBe(0);

    await h.publishIdentity('identity.v1.user.verified', { userId, verified: true }, new Date(Date.now() + 60_000));
    await h.publishIdentity('identity.v1.verification.completed', { userId, status: 'VERIFIED' }, new Date(Date.now() + 60_000));
    await h.publishIdentity('identity.v1.user.created', { userId, handle: 'late_verified', displayName: 'x', profileVersion: 1 });
    // A user who is not erased, behind them on the same durables.
    const { late_marker: marker } = await h.seedUsers('late_marker');
    await h.publishIdentity('identity.v1.verification.completed', { userId: marker, status: 'VERIFIED' });
    await eventually(async () => expect(await h.calls.services.verifications.countDocuments({ _id: marker })).toBe(1));

    expect(await h.calls.services.verifications.countDocuments({ _id: userId })).toBe(0);
    expect(await h.calls.services.users.findById(userId).lean()).toMatchObject({ handleLower: `deleted:${userId}`, deletedAt: expect.any(Date) });
    expect(await h.calls.db.collection('erased_users').countDocuments({ _id: userId as never })).toBe(1);
  });
});
