import { defineConsumer, identityEvents, type ConsumeOptions, type ErasureGuard } from '@profile-graph/kit';
import type { OrganizationProjectionDoc, OrganizationProjectionModel } from '../models/organizationProjectionModel';

/**
 * Keeps hiring's copy of identity's organizations: name, verified, members
 * (who may post jobs). One durable for all subjects, so the events of an
 * organization are applied one at a time in the order identity published
 * them (FerretDB updates are not atomic, and a removal must not overtake the
 * addition it undoes). Every write is idempotent. An erased user is never
 * added back as a member by a late `member_added`, `member_role_changed` or
 * `created` (the erasure removed them from every organization here).
 */
export function projectOrganizations(organizations: OrganizationProjectionModel, guard: ErasureGuard): ConsumeOptions {
  const setMembers = async (organizationId: string, change: (members: NonNullable<OrganizationProjectionDoc['members']>) => OrganizationProjectionDoc['members']) => {
    const current = await organizations.findById(organizationId).lean();
    await organizations.updateOne({ _id: organizationId }, { $set: { members: change(current?.members ?? []), updatedAt: new Date() } }, { upsert: true });
  };
  const addMember = (organizationId: string, userId: string, role: string) =>
    guard.write(
      userId,
      () => setMembers(organizationId, (members) => [...members.filter((m) => m.userId !== userId), { userId, role }]),
      () => setMembers(organizationId, (members) => members.filter((m) => m.userId !== userId)),
    );
  return defineConsumer({
    stream: 'IDENTITY',
    durable: 'hiring-organizations',
    events: [identityEvents.organizationCreated, identityEvents.organizationVerified, identityEvents.memberAdded, identityEvents.memberRemoved, identityEvents.memberRoleChanged],
    handler: async (event) => {
      const { organizationId } = event.data;
      switch (event.type) {
        case 'identity.v1.organization.created':
          await organizations.updateOne({ _id: organizationId }, { $set: { name: event.data.name, updatedAt: new Date() } }, { upsert: true });
          await addMember(organizationId, event.data.createdBy, 'ADMIN');
          break;
        case 'identity.v1.organization.verified':
          await organizations.updateOne(
            { _id: organizationId },
            { $set: { verified: true, ...(event.data.name !== undefined ? { name: event.data.name } : {}), updatedAt: new Date() } },
            { upsert: true },
          );
          break;
        case 'identity.v1.organization.member_added':
        case 'identity.v1.organization.member_role_changed':
          await addMember(organizationId, event.data.userId, event.data.role);
          break;
        case 'identity.v1.organization.member_removed':
          await setMembers(organizationId, (members) => members.filter((m) => m.userId !== event.data.userId));
          break;
      }
    },
  });
}
