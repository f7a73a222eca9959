import { consentPurposes, exportConsentProjection, type ExportItem, type ExportRecipient, type ExportSection } from '@profile-graph/kit';
import type { Connection } from 'mongoose';
import type { ApiKeyModel } from '../apiKeys/apiKeyModel';
import type { UserModel } from '../models/userModel';
import type { OrganizationModel } from '../organizations/organizationModel';
import type { PhoneVault } from '../phones/phoneVault';
import type { SessionModel } from '../sessions/sessionModel';

/** Whoever processed the verification's images for us (the kit's purposes table names them). */
const providerRecipients = (at: Date | string | null | undefined): ExportRecipient[] =>
  consentPurposes.BIOMETRIC_VERIFICATION.processors.map((processor) => ({
    kind: 'PROCESSOR',
    name: processor.name,
    what: processor.receives,
    at: at ? new Date(at).toISOString() : null,
  }));

export interface IdentityExportDeps {
  db: Connection;
  users: UserModel;
  sessions: SessionModel;
  organizations: OrganizationModel;
  apiKeys: ApiKeyModel;
  phones: PhoneVault;
  /** BIOMETRIC_RETENTION_DAYS, stated with the enrollment. */
  biometricRetentionDays: number;
}

/**
 * identity's part of a user's export: the account, profile and phone number
 * (decrypted for its owner), verification and biometric metadata (the
 * template itself never leaves, see README "Biometric retention schedule"),
 * sessions, organization memberships and the API keys the user created.
 * Password hashes, refresh-token hashes and key hashes are credentials, not
 * personal data to port: left out. Other members of the user's organizations
 * are other people: left out.
 */
export async function exportIdentityData(deps: IdentityExportDeps, userId: string): Promise<ExportSection> {
  const items: ExportItem[] = [];
  const user = await deps.users.findById(userId).lean();
  if (user) {
    items.push({
      collection: 'users',
      kind: 'account and profile',
      retention: 'while your account exists; deleted when you erase it (deleteMyAccount)',
      purpose: 'essential.service',
      recipients: [],
      data: {
        id: user._id,
        handle: user.handle,
        displayName: user.displayName,
        avatarUrl: user.avatarUrl ?? null,
        email: user.email ?? null,
        emailVerified: user.emailVerified ?? null,
        phoneNumber: user.phone ? deps.phones.open(user._id, user.phone) : null,
        premiumSince: user.premiumSince ?? null,
        premiumUntil: user.premiumUntil ?? null,
        createdAt: user.createdAt,
        updatedAt: user.updatedAt,
      },
    });
    if (user.verification) {
      // The provider received the ID image and the selfie for this verification: it is named as a recipient.
      items.push({ collection: 'users', kind: 'ID verification result', purpose: 'essential.service.authentication', retention: 'replaced by a newer verification; deleted when you erase your account', recipients: providerRecipients(user.verification.updatedAt), data: { ...user.verification } });
    }
    if (user.biometric) {
      const { enrollmentId, enrolledAt, lastInteractionAt, retentionUntil, consentVersion } = user.biometric;
      items.push({
        collection: 'users',
        kind: 'biometric enrollment (the encrypted face template itself is never returned)',
        retention: `destroyed when you withdraw BIOMETRIC_VERIFICATION, when a newer verification replaces it, or at the latest ${deps.biometricRetentionDays} days after the last verification (BIOMETRIC_RETENTION_DAYS)`,
        purpose: 'BIOMETRIC_VERIFICATION',
        recipients: providerRecipients(enrolledAt),
        data: { enrollmentId, enrolledAt, lastInteractionAt, retentionUntil, consentVersion },
      });
    }
    for (const destruction of user.biometricDestructions ?? []) {
      items.push({ collection: 'users', kind: 'biometric destruction record', purpose: 'BIOMETRIC_VERIFICATION', retention: 'while your account exists; deleted when you erase it (deleteMyAccount)', recipients: [], data: { ...destruction } });
    }
  }
  for (const session of await deps.sessions.find({ userId }).lean()) {
    items.push({
      collection: 'sessions',
      kind: 'sign-in session',
      retention: 'until it expires, you sign out, or you erase your account',
      purpose: 'essential.service.authentication',
      recipients: [],
      data: { id: session._id, createdAt: session.createdAt, expiresAt: session.expiresAt, revokedAt: session.revokedAt ?? null, revokedReason: session.revokedReason ?? null },
    });
  }
  const organizations = await deps.organizations
    .find({ $or: [{ 'members.userId': userId }, { 'invitations.userId': userId }, { createdBy: userId }] })
    .lean();
  for (const organization of organizations) {
    const member = organization.members.find((m) => m.userId === userId);
    const invitation = organization.invitations?.find((i) => i.userId === userId);
    items.push({
      collection: 'organizations',
      kind: 'organization membership',
      retention: 'while you are a member; removed when you leave or erase your account',
      purpose: 'essential.service',
      recipients: [],
      data: {
        organizationId: organization._id,
        name: organization.name,
        role: member?.role ?? null,
        addedAt: member?.addedAt ?? null,
        invitedAs: invitation?.role ?? null,
        invitedAt: invitation?.invitedAt ?? null,
        createdByYou: organization.createdBy === userId,
      },
    });
  }
  for (const key of await deps.apiKeys.find({ createdBy: userId }).lean()) {
    items.push({
      collection: 'api_keys',
      kind: 'partner API key you created (without its secret)',
      retention: 'kept with the organization until revoked; your id is removed from it when you erase your account',
      purpose: 'essential.service',
      recipients: [],
      data: { id: key._id, organizationId: key.organizationId, name: key.name, prefix: key.prefix, scopes: key.scopes, createdAt: key.createdAt, revokedAt: key.revokedAt ?? null },
    });
  }
  items.push(...(await exportConsentProjection(deps.db, userId)));
  return {
    subgraph: 'identity',
    items,
    notes: ['Password, refresh-token and API key hashes are credentials and are not exported.', 'Other members of your organizations are not listed.'],
  };
}
