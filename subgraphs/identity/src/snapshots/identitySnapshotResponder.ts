import {
  IDENTITY_SNAPSHOT_SUBJECTS,
  identitySnapshotRequestSchema,
  type IdentitySnapshotRequest,
  type OrganizationSnapshot,
  type UserSnapshot,
} from '@profile-graph/kit';
import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import type { UserModel } from '../models/userModel';
import type { OrganizationModel } from '../organizations/organizationModel';

type Page<T> = { items: T[]; next: string | null };

/**
 * Answers the snapshot pages that let a fresh calls or hiring instance rebuild its projection of identity once
 * the IDENTITY stream has dropped old messages (max_age). A queue group, so each page is answered once; pages
 * by ascending id. Only the fields those projections keep: no display name, email, phone or anything else.
 */
export class IdentitySnapshotResponder {
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly deps: { nc: NatsConnection; users: UserModel; organizations: OrganizationModel; logger: Logger }) {}

  start(): void {
    const answer = (subject: string, page: (request: IdentitySnapshotRequest) => Promise<Page<unknown>>) =>
      this.deps.nc.subscribe(subject, {
        queue: 'identity',
        callback: (error, message) => {
          if (error) return this.deps.logger.warn({ err: error }, 'identity snapshot subscription failed');
          let request: IdentitySnapshotRequest;
          try {
            request = identitySnapshotRequestSchema.parse(JSON.parse(Buffer.from(message.data).toString('utf8')));
          } catch {
            // No answer to a malformed request: the asker times out, as with any fault, and nothing is read.
            return this.deps.logger.warn({ subject }, 'ignoring a malformed identity snapshot request');
          }
          page(request).then(
            (reply) => message.respond(Buffer.from(JSON.stringify(reply))),
            (failure: unknown) => this.deps.logger.error({ err: failure, subject }, 'identity snapshot page failed'),
          );
        },
      });
    this.subscriptions.push(answer(IDENTITY_SNAPSHOT_SUBJECTS.users, (request) => this.users(request)), answer(IDENTITY_SNAPSHOT_SUBJECTS.organizations, (request) => this.organizations(request)));
  }

  async users({ after, limit }: IdentitySnapshotRequest): Promise<Page<UserSnapshot>> {
    const docs = await this.deps.users
      .find(after ? { _id: { $gt: after } } : {}, { _id: 1, handle: 1, profileVersion: 1, updatedAt: 1, verification: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    const items = docs.map((doc) => ({
      userId: doc._id,
      handle: doc.handle,
      profileVersion: doc.profileVersion ?? 1,
      profileAt: (doc.updatedAt ?? new Date(0)).toISOString(),
      // As calls reads verification.completed: only a success says anything; a failed retry takes nothing away.
      verified: doc.verification?.status === 'VERIFIED' ? true : null,
      verificationAt: doc.verification?.updatedAt ? doc.verification.updatedAt.toISOString() : null,
    }));
    return { items, next: docs.length === limit ? docs[docs.length - 1]!._id : null };
  }

  async organizations({ after, limit }: IdentitySnapshotRequest): Promise<Page<OrganizationSnapshot>> {
    const docs = await this.deps.organizations
      .find(after ? { _id: { $gt: after } } : {}, { _id: 1, name: 1, verified: 1, members: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    const items = docs.map((doc) => ({
      organizationId: doc._id,
      name: doc.name,
      verified: doc.verified === true,
      members: (doc.members ?? []).map((member) => ({ userId: member.userId, role: member.role })),
    }));
    return { items, next: docs.length === limit ? docs[docs.length - 1]!._id : null };
  }

  stop(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}
