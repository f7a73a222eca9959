import type { ConsumeOptions, EventEnvelope } from '@profile-graph/kit';
import type { OrganizationProjectionModel } from '../models/organizationProjectionModel';

/**
 * Keeps hiring's copy of identity's organizations: name, verified, members.
 * One durable for all three subjects, so events of one organization are
 * applied in the order identity published them, one at a time (FerretDB
 * updates are not atomic). Every write is an idempotent upsert.
 */
export function projectOrganizations(organizations: OrganizationProjectionModel): ConsumeOptions {
  return {
    stream: 'IDENTITY',
    durable: 'hiring-organizations',
    filterSubjects: ['identity.v1.organization.created', 'identity.v1.organization.verified', 'identity.v1.organization.member_added'],
    handler: async (event: EventEnvelope) => {
      const organizationId = String(event.data.organizationId ?? '');
      if (!organizationId) return;
      const now = new Date();
      if (event.type === 'identity.v1.organization.created') {
        await organizations.updateOne(
          { _id: organizationId },
          {
            $set: { name: String(event.data.name ?? ''), updatedAt: now },
            $addToSet: { members: { userId: String(event.data.createdBy), role: 'ADMIN' } },
          },
          { upsert: true },
        );
      } else if (event.type === 'identity.v1.organization.verified') {
        await organizations.updateOne({ _id: organizationId }, { $set: { verified: true, updatedAt: now } }, { upsert: true });
      } else if (event.type === 'identity.v1.organization.member_added') {
        await organizations.updateOne(
          { _id: organizationId },
          { $set: { updatedAt: now }, $addToSet: { members: { userId: String(event.data.userId), role: String(event.data.role) } } },
          { upsert: true },
        );
      }
    },
  };
}
