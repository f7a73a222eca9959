import { isDuplicateKeyError, defineConsumer, identityEvents, type ConsumeOptions, type EventEnvelope } from '@profile-graph/kit';
import type { CallUserDoc, CallUserModel } from '../models/callUserModel';

/** Placeholder handle of a user whose handle another user has since claimed; `:` is never in a real handle. */
export const releasedHandle = (userId: string) => `released:${userId}`;

/** A handle change, in the order identity made it: (profileVersion, occurredAt). */
interface HandleChange {
  userId: string;
  handleLower: string;
  version: number;
  at: Date;
}

/** The change an event carries, or null when it carries no handle (other profile fields, phone, Premium). */
export function handleChangeOf(event: EventEnvelope): HandleChange | null {
  const { userId, handle, profileVersion } = event.data as { userId?: unknown; handle?: unknown; profileVersion?: unknown };
  if (typeof userId !== 'string' || !userId || typeof handle !== 'string' || !handle) return null;
  const at = new Date(event.occurredAt);
  if (Number.isNaN(at.getTime())) return null;
  // Events from before versions existed count as version 1 (the sign-up's), ordered among themselves by time.
  const version = typeof profileVersion === 'number' && Number.isInteger(profileVersion) && profileVersion > 0 ? profileVersion : 1;
  return { userId, handleLower: handle.toLowerCase(), version, at };
}

/** Is `change` newer than what `doc` holds? */
function isNewer(change: HandleChange, doc: Pick<CallUserDoc, 'profileVersion' | 'profileAt'>): boolean {
  const version = doc.profileVersion ?? 0;
  if (change.version !== version) return change.version > version;
  return !doc.profileAt || change.at.getTime() > doc.profileAt.getTime();
}

/** The filter matching this user's document only while it holds an older change and no tombstone. */
function olderThan(change: HandleChange) {
  return {
    _id: change.userId,
    deletedAt: { $exists: false },
    $or: [
      { profileVersion: { $exists: false } },
      { profileVersion: { $lt: change.version } },
      { profileVersion: change.version, profileAt: { $lt: change.at } },
    ],
  };
}

/**
 * Applies one handle change to calls' projection. Identity lets one user hold a handle at a time, so when the
 * projection has another user on the handle, whichever claim is newer keeps it and the other user is parked on
 * a placeholder until their own later change arrives. Never over a tombstone, never with an older change.
 */
export async function applyHandleChange(users: CallUserModel, change: HandleChange): Promise<'applied' | 'stale'> {
  // Two durables apply changes to the same user concurrently: a sign-up and the first rename can both find no
  // document and both insert. The loser of that race reads again at once instead of waiting for a redelivery,
  // which would leave the user on the old handle (or parked) for the backoff's seconds.
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryHandleChange(users, change);
    if (outcome !== 'conflict') return outcome;
    if (attempt === HANDLE_CHANGE_ATTEMPTS) throw new Error(`handle change of ${change.userId} still conflicting after ${attempt} attempts`);
  }
}

/** How often a change is re-read in process after a concurrent write before it falls back to redelivery. */
const HANDLE_CHANGE_ATTEMPTS = 5;

async function tryHandleChange(users: CallUserModel, change: HandleChange): Promise<'applied' | 'stale' | 'conflict'> {
  const current = await users.findById(change.userId).lean();
  if (current && (current.deletedAt || !isNewer(change, current))) return 'stale';
  let handleLower = change.handleLower;
  const holder = await users.findOne({ handleLower: change.handleLower, _id: { $ne: change.userId } }).lean();
  if (holder) {
    const holderAt = holder.profileAt?.getTime() ?? 0;
    if (holderAt < change.at.getTime()) {
      // The holder's claim is older: they have renamed since (their event is on its way). Release the handle.
      await users.updateOne({ _id: holder._id, handleLower: change.handleLower }, { $set: { handleLower: releasedHandle(holder._id) } });
    } else {
      // This claim is older than the holder's: this user has left the handle since.
      handleLower = releasedHandle(change.userId);
    }
  }
  try {
    // The version check is in the write itself, so a newer change or a tombstone written meanwhile wins.
    await users.updateOne(olderThan(change), { $set: { handleLower, profileVersion: change.version, profileAt: change.at } }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // Either the document exists and is newer or tombstoned (the upsert's insert hit `_id`): done; or an older
    // document was inserted meanwhile, or the handle claimed: a conflict, which the next attempt resolves above.
    const now = await users.findById(change.userId).lean();
    if (now && (now.deletedAt || !isNewer(change, now))) return 'stale';
    return 'conflict';
  }
  return 'applied';
}

function handleConsumer(users: CallUserModel, durable: string, definition: typeof identityEvents.userCreated | typeof identityEvents.userUpdated): ConsumeOptions {
  return defineConsumer({
    stream: 'IDENTITY',
    durable,
    events: [definition],
    handler: async (event) => {
      const change = handleChangeOf(event);
      if (change) await applyHandleChange(users, change);
    },
  });
}

/**
 * The handle → id projection that `startCall(calleeHandle)` needs, from sign-ups and profile updates. Two
 * durables (the first one's filter predates updates), so their events interleave in any order: the versions
 * decide, and redelivery is harmless.
 */
export function projectUsers(users: CallUserModel): ConsumeOptions[] {
  return [
    handleConsumer(users, 'calls-user-projection', identityEvents.userCreated),
    handleConsumer(users, 'calls-user-updates', identityEvents.userUpdated),
  ];
}
