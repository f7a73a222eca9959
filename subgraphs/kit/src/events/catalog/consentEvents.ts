import { z } from 'zod';
import { allConsentPurposes, consentStateSubject, type ConsentPurpose } from '../../consent/consentPurposes';
import { defineEvent, id, isoDate } from './defineEvent';

/**
 * consent.v1.>: published by consent only. The decision events (CONSENT stream) and the last value per (user,
 * purpose) (CONSENT_STATE, read by every subgraph's ConsentProjection) carry the same snapshot.
 */
const snapshot = (status?: 'GRANTED' | 'WITHDRAWN') =>
  z.looseObject({
    userId: id(),
    purpose: z.enum(allConsentPurposes as [ConsentPurpose, ...ConsentPurpose[]]),
    status: status ? z.literal(status) : z.enum(['GRANTED', 'WITHDRAWN']),
    version: z.number().int().min(1),
    policyVersion: z.string().nullish(),
    // Optional: replays and test fixtures without it count as the epoch (parseConsentSnapshot).
    updatedAt: isoDate().optional(),
  });

export const consentEvents = {
  consentGranted: defineEvent({ subject: 'consent.v1.consent.granted', schema: snapshot('GRANTED') }),
  consentWithdrawn: defineEvent({ subject: 'consent.v1.consent.withdrawn', schema: snapshot('WITHDRAWN') }),
  /** `consent.v1.state.<userId>.<purpose>`, one message kept per subject. */
  consentState: defineEvent({ subject: 'consent.v1.state.>', schema: snapshot(), subjectOf: (data) => consentStateSubject(data.userId, data.purpose) }),
} as const;
