import { z } from 'zod';
import { defineEvent, id, isoDate } from './defineEvent';

/**
 * calls.v1.call.>: published by calls only, on the CALLS stream; the gateway hears them on core NATS as
 * subscription triggers. Signaling (`calls.v1.signal.<callId>`) is not an envelope and not in the catalog.
 */
const transition = z.looseObject({ callId: id(), status: z.string(), by: z.string().nullable(), at: isoDate() });

export const callsEvents = {
  callStarted: defineEvent({
    subject: 'calls.v1.call.started',
    schema: z.looseObject({ callId: id(), callerId: id(), calleeId: id(), kind: z.enum(['AUDIO', 'VIDEO']), encrypted: z.boolean() }),
  }),
  callAccepted: defineEvent({ subject: 'calls.v1.call.accepted', schema: transition }),
  callDeclined: defineEvent({ subject: 'calls.v1.call.declined', schema: transition }),
  callEnded: defineEvent({ subject: 'calls.v1.call.ended', schema: transition }),
  callMissed: defineEvent({ subject: 'calls.v1.call.missed', schema: transition }),
  callFailed: defineEvent({ subject: 'calls.v1.call.failed', schema: transition }),
  encryptionChanged: defineEvent({
    subject: 'calls.v1.call.encryption_changed',
    schema: z.looseObject({ callId: id(), enabled: z.boolean(), changedBy: id(), changedAt: isoDate() }),
  }),
} as const;
