import { z } from 'zod';
import { defineEvent, id, isoDate } from './defineEvent';

/**
 * identity.v1.>: published by identity only (its role), on the IDENTITY stream. Fields a consumer tolerates
 * the absence of (events written before the field existed, still on the stream until max_age) are optional.
 */
const membership = z.looseObject({ organizationId: id(), userId: id(), role: z.string().min(1) });

export const identityEvents = {
  userCreated: defineEvent({
    subject: 'identity.v1.user.created',
    // profileVersion: sign-ups before versions existed carry none (calls counts them as version 1).
    schema: z.looseObject({ userId: id(), handle: z.string().min(1), displayName: z.string().optional(), profileVersion: z.number().int().positive().optional() }),
  }),
  /** Public profile fields travel with their new value, private ones by name in `changed` only. */
  userUpdated: defineEvent({
    subject: 'identity.v1.user.updated',
    schema: z.looseObject({ userId: id(), changed: z.array(z.string()).optional(), handle: z.string().optional(), profileVersion: z.number().int().positive().optional() }),
  }),
  userDeleted: defineEvent({ subject: 'identity.v1.user.deleted', schema: z.looseObject({ userId: id() }) }),
  /** Not published by identity today; calls' verification projection reads it (verified defaults to true). */
  userVerified: defineEvent({ subject: 'identity.v1.user.verified', schema: z.looseObject({ userId: id(), verified: z.boolean().optional() }) }),
  verificationCompleted: defineEvent({
    subject: 'identity.v1.verification.completed',
    schema: z.looseObject({ userId: id(), status: z.string(), method: z.string().optional(), reason: z.string().nullish(), completedAt: isoDate().optional() }),
  }),
  sessionStarted: defineEvent({ subject: 'identity.v1.session.started', schema: z.looseObject({ sessionId: id(), userId: id() }) }),
  sessionRevoked: defineEvent({ subject: 'identity.v1.session.revoked', schema: z.looseObject({ sessionId: id(), userId: id(), reason: z.string().optional() }) }),
  apiKeyCreated: defineEvent({ subject: 'identity.v1.apikey.created', schema: z.looseObject({ keyId: id(), organizationId: id(), scopes: z.array(z.string()) }) }),
  apiKeyRotated: defineEvent({ subject: 'identity.v1.apikey.rotated', schema: z.looseObject({ keyId: id(), organizationId: id() }) }),
  apiKeyRevoked: defineEvent({ subject: 'identity.v1.apikey.revoked', schema: z.looseObject({ keyId: id(), organizationId: id() }) }),
  organizationCreated: defineEvent({ subject: 'identity.v1.organization.created', schema: z.looseObject({ organizationId: id(), name: z.string(), createdBy: id() }) }),
  organizationVerified: defineEvent({ subject: 'identity.v1.organization.verified', schema: z.looseObject({ organizationId: id(), name: z.string().optional() }) }),
  memberInvited: defineEvent({ subject: 'identity.v1.organization.member_invited', schema: membership }),
  memberAdded: defineEvent({ subject: 'identity.v1.organization.member_added', schema: membership }),
  memberRoleChanged: defineEvent({ subject: 'identity.v1.organization.member_role_changed', schema: membership }),
  memberRemoved: defineEvent({ subject: 'identity.v1.organization.member_removed', schema: z.looseObject({ organizationId: id(), userId: id() }) }),
  /** The gateway hears it on core NATS (TRUSTED_DOCUMENTS_CHANGED_SUBJECT) to drop its cached manifest. */
  trustedDocumentsChanged: defineEvent({
    subject: 'identity.v1.organization.trusted_documents_changed',
    schema: z.looseObject({ organizationId: id(), version: z.number().int(), enforced: z.boolean() }),
  }),
  biometricDestroyed: defineEvent({
    subject: 'identity.v1.biometric.destroyed',
    schema: z.looseObject({ userId: id(), enrollmentId: id(), reason: z.string(), destroyedAt: isoDate() }),
  }),
} as const;
