import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * identity's current state, over request/reply, for projections that cannot rebuild from the IDENTITY stream
 * once max_age has dropped its old messages (calls' handles and verifications, hiring's organizations). Only
 * what those projections hold, only of users and organizations that exist: an erased user is in no page.
 * Outside `identity.v1.>` (the stream would capture it), like the other rpc subjects.
 */
export const IDENTITY_SNAPSHOT_SUBJECTS = {
  users: 'rpc.identity.v1.snapshot.users',
  organizations: 'rpc.identity.v1.snapshot.organizations',
} as const;

export type IdentitySnapshotKind = keyof typeof IDENTITY_SNAPSHOT_SUBJECTS;

export const IDENTITY_SNAPSHOT_PAGE_MAX = 500;

export const identitySnapshotRequestSchema = z.object({
  /** The last id of the previous page (ids ascending), or null for the first. */
  after: z.string().min(1).max(128).nullable(),
  limit: z.number().int().min(1).max(IDENTITY_SNAPSHOT_PAGE_MAX),
});
export type IdentitySnapshotRequest = z.infer<typeof identitySnapshotRequestSchema>;

export const userSnapshotSchema = z.object({
  userId: z.string().min(1),
  handle: z.string().min(1),
  profileVersion: z.number().int().positive(),
  /** When the profile last changed (orders equal versions, as an event's occurredAt does). */
  profileAt: z.string(),
  /** true: verified; false: revoked or expired; null: never verified (calls keeps what it had). */
  verified: z.boolean().nullable(),
  verificationAt: z.string().nullable(),
});
export type UserSnapshot = z.infer<typeof userSnapshotSchema>;

export const organizationSnapshotSchema = z.object({
  organizationId: z.string().min(1),
  name: z.string(),
  verified: z.boolean(),
  members: z.array(z.object({ userId: z.string().min(1), role: z.string().min(1) })),
});
export type OrganizationSnapshot = z.infer<typeof organizationSnapshotSchema>;

const replySchemas = {
  users: z.object({ items: z.array(userSnapshotSchema), next: z.string().nullable() }),
  organizations: z.object({ items: z.array(organizationSnapshotSchema), next: z.string().nullable() }),
};

export interface IdentitySnapshotItems {
  users: UserSnapshot;
  organizations: OrganizationSnapshot;
}

/** Every page of one kind, in id order; throws when identity does not answer or answers something malformed. */
export async function* fetchIdentitySnapshot<K extends IdentitySnapshotKind>(
  nc: NatsConnection,
  kind: K,
  options: { timeoutMs: number; pageSize?: number },
): AsyncGenerator<IdentitySnapshotItems[K][]> {
  let after: string | null = null;
  for (;;) {
    const request: IdentitySnapshotRequest = { after, limit: options.pageSize ?? IDENTITY_SNAPSHOT_PAGE_MAX };
    const message = await nc.request(IDENTITY_SNAPSHOT_SUBJECTS[kind], Buffer.from(JSON.stringify(request)), { timeout: options.timeoutMs });
    // The issues are not in the message: they could quote personal data.
    const parsed = replySchemas[kind].safeParse(JSON.parse(Buffer.from(message.data).toString('utf8')));
    if (!parsed.success) throw new Error(`identity's ${kind} snapshot page is malformed`);
    yield parsed.data.items as IdentitySnapshotItems[K][];
    if (!parsed.data.next) return;
    after = parsed.data.next;
  }
}

export interface SnapshotBootstrap {
  /** Resolves once the projection was rebuilt (or was not empty); tests wait on it. */
  done: Promise<void>;
  stop(): void;
}

/**
 * Rebuilds an empty projection from identity's snapshot, in the background: services start in any order, so
 * while identity does not answer it retries (1 s, doubling to 30 s) until it does or the service stops. The
 * durable consumers run meanwhile; `apply` must be idempotent and never overwrite newer state (versions, or
 * insert-if-absent), since events and the snapshot interleave.
 */
export function startSnapshotBootstrap(options: { name: string; isEmpty: () => Promise<boolean>; run: () => Promise<number>; logger: Logger }): SnapshotBootstrap {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const done = (async () => {
    if (!(await options.isEmpty())) return;
    for (let delay = 1_000; !stopped; delay = Math.min(delay * 2, 30_000)) {
      try {
        const applied = await options.run();
        options.logger.info({ projection: options.name, applied }, 'rebuilt an empty projection from identity\'s snapshot');
        return;
      } catch (error) {
        if (stopped) return;
        options.logger.warn({ err: error, projection: options.name }, 'identity snapshot not available yet; will retry');
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delay);
        });
      }
    }
  })();
  return {
    done,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
    },
  };
}
