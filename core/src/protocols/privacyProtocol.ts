import { z } from 'zod';

/**
 * Privacy operations across the graph (issue 8): data export over NATS
 * request/reply, and the erasure saga over the PRIVACY stream.
 *
 * The export subjects sit outside `<domain>.v1.>` on purpose: those prefixes
 * are captured by the domain JetStream streams, which would store every
 * request (personal data included) and answer it with a publish
 * acknowledgement instead of the subgraph's reply.
 */
export const privacyExportSubject = (subgraph: string) => `rpc.${subgraph}.v1.privacy.export`;

/** Published by consent when a user asks to be erased: `{ requestId, userId }`. */
export const ERASURE_REQUESTED_SUBJECT = 'privacy.v1.erasure.requested';
/** Published by each subgraph once its part is erased: `{ requestId, subgraph, removed }` (no user id). */
export const ERASURE_COMPLETED_SUBJECT = 'privacy.v1.erasure.completed';

/** The subgraphs that hold personal data; an erasure is complete when each reported. */
export const PRIVACY_SUBGRAPHS = ['identity', 'hiring', 'consent', 'calls'] as const;
export type PrivacySubgraph = (typeof PRIVACY_SUBGRAPHS)[number];

/**
 * ORGANIZATION (an employer), PARTNER_KEY, USER (another person, never named), SERVICE, PROCESSOR (outside
 * profile-graph, working for it, e.g. the verification provider). One list for the type and the reply schema,
 * so a new kind cannot be sent by one side and refused by the other.
 */
export const EXPORT_RECIPIENT_KINDS = ['ORGANIZATION', 'PARTNER_KEY', 'USER', 'SERVICE', 'PROCESSOR'] as const;

/** Who received (or read) an item, and when. */
export interface ExportRecipient {
  kind: (typeof EXPORT_RECIPIENT_KINDS)[number];
  id?: string | null;
  name?: string | null;
  /** What they received, e.g. HiringProfile.employmentHistory or "hiring profile (application)". */
  what?: string;
  at?: string | null;
}

/** One thing the graph holds about the user. */
export interface ExportItem {
  /** The collection it lives in (the export test checks every collection that mentions the user has items). */
  collection: string;
  /** What it is, in words. */
  kind: string;
  /** Why it is held: a fideslang data use or a consent purpose. */
  purpose: string;
  recipients: ExportRecipient[];
  /** How long it is kept, or the rule that decides it (GDPR Art. 15(1)(d)), with this deployment's settings. */
  retention: string;
  data: Record<string, unknown>;
}

export interface ExportSection {
  subgraph: string;
  items: ExportItem[];
  /** What is deliberately left out, and why (other people's ids, secrets). */
  notes?: string[];
}

export interface ExportRequest {
  userId: string;
}

export type ExportReply = { ok: true; section: ExportSection } | { ok: false; error: string };

/** Checked by consent on every reply before it goes into a user's archive: the shape, not the contents. */
export const exportReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    section: z.object({
      subgraph: z.enum(PRIVACY_SUBGRAPHS),
      items: z.array(
        z.object({
          collection: z.string(),
          kind: z.string(),
          purpose: z.string(),
          recipients: z.array(z.object({ kind: z.enum(EXPORT_RECIPIENT_KINDS) }).passthrough()),
          data: z.record(z.string(), z.unknown()),
        }),
      ),
      notes: z.array(z.string()).optional(),
    }),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** Plain JSON (dates as ISO strings, no ObjectIds or Buffers), as it will be returned. */
export const toJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
