import { outboxOnUpdate, identityEvents, type OutboxRelay } from '@profile-graph/kit';
import type { ApiKeyModel } from '../apiKeys/apiKeyModel';
import type { UserModel } from '../models/userModel';
import type { OrganizationModel } from '../organizations/organizationModel';
import type { RevocationWriter } from '../revocations/revocationWriter';
import type { SessionModel } from '../sessions/sessionModel';

/** Stands in for a deleted user's id where a record must keep a value (who created an organization or a key). */
export const ERASED_USER = 'erased-user';

export interface IdentityErasureDeps {
  users: UserModel;
  sessions: SessionModel;
  organizations: OrganizationModel;
  apiKeys: ApiKeyModel;
  relay: OutboxRelay;
  revocations: RevocationWriter;
}

/**
 * identity's step of the erasure saga. First the user goes into the shared
 * revocations bucket (awaited: a failed write fails this step, which is
 * retried), so every gateway, running or restarted, refuses every access
 * token of theirs, including one of a session started while this runs.
 * Then sessions are revoked, through
 * their own outboxes, and those events are published before the sessions
 * are deleted, so every gateway refuses the user's access tokens; then the
 * account (profile, phone, verification, biometric template) goes, and the
 * user leaves every organization. Organizations and their keys belong to the
 * organization and stay, with the creator anonymized. Every step is
 * repeatable (a redelivered request finds less and less to do).
 * identity.v1.user.deleted leaves with the completion report.
 */
export async function eraseIdentityData(deps: IdentityErasureDeps, userId: string): Promise<Record<string, number>> {
  const { users, sessions, organizations, apiKeys, relay, revocations } = deps;
  await revocations.user(userId);
  let revoked = 0;
  for (const session of await sessions.find({ userId, revokedAt: null }).select({ _id: 1 }).lean()) {
    const event = identityEvents.sessionRevoked.create({ sessionId: session._id, userId, reason: 'account_deleted' }, userId);
    const result = await sessions.updateOne({ _id: session._id, revokedAt: null }, outboxOnUpdate([event], { $set: { revokedAt: new Date(), revokedReason: 'signed_out' } }));
    revoked += result.modifiedCount;
  }
  // The revocations must be on NATS before their documents (and outboxes) are deleted.
  await relay.flush();
  if (await sessions.exists({ userId, '_outbox.0': { $exists: true } })) throw new Error('session revocations not yet published; will retry');
  const sessionsDeleted = (await sessions.deleteMany({ userId })).deletedCount;

  let memberships = 0;
  const touched = await organizations
    .find({ $or: [{ 'members.userId': userId }, { 'invitations.userId': userId }, { 'invitations.invitedBy': userId }, { createdBy: userId }] })
    .lean();
  for (const organization of touched) {
    // Read, then write the whole lists (no conditional $pull on FerretDB 1.x); the model serializes writes per document.
    const members = organization.members.filter((member) => member.userId !== userId);
    const invitations = (organization.invitations ?? [])
      .filter((invitation) => invitation.userId !== userId)
      .map((invitation) => (invitation.invitedBy === userId ? { ...invitation, invitedBy: ERASED_USER } : invitation));
    memberships += organization.members.length - members.length;
    await organizations.updateOne(
      { _id: organization._id },
      { $set: { members, invitations, ...(organization.createdBy === userId ? { createdBy: ERASED_USER } : {}) } },
    );
  }
  const keys = (await apiKeys.updateMany({ createdBy: userId }, { $set: { createdBy: ERASED_USER } })).modifiedCount;
  const accounts = (await users.deleteOne({ _id: userId })).deletedCount;
  return { accounts, sessionsRevoked: revoked, sessions: sessionsDeleted, organizationMemberships: memberships, apiKeysAnonymized: keys };
}

export const userDeletedEvent = (userId: string) => identityEvents.userDeleted.create({ userId }, userId);
