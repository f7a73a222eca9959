import type { ConsumeOptions, ErasureGuard, EventEnvelope } from '@profile-graph/kit';
import type { OrganizationProjectionDoc, OrganizationProjectionModel } from '../models/organizationProjectionModel';

const PREFIX = 'identity.v1.organization.';

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
  return {
    stream: 'IDENTITY',
    durable: 'hiring-organizations',
    filterSubjects: ['created', 'verified', 'member_added', 'member_removed', 'member_role_changed'].map((event) => `${PREFIX}${event}`),
    handler: async (event: EventEnvelope) => {
      const organizationId = String(event.data.organizationId ?? '');
      if (!organizationId) return;
      const userId = String(event.data.userId ?? '');
      const role = String(event.data.role ?? '');
      switch (event.type) {
        case `${PREFIX}created`:
          await organizations.updateOne({ _id: organizationId }, { $set: { name: String(event.data.name ?? ''), updatedAt: new Date() } }, { upsert: true });
          await addMember(organizationId, String(event.data.createdBy), 'ADMIN');
          break;
        case `${PREFIX}verified`:
          await organizations.updateOne(
            { _id: organizationId },
            { $set: { verified: true, ...(typeof event.data.name === 'string' ? { name: event.data.name } : {}), updatedAt: new Date() } },
            { upsert: true },
          );
          break;
        case `${PREFIX}member_added`:
        case `${PREFIX}member_role_changed`:
          await addMember(organizationId, userId, role);
          break;
        case `${PREFIX}member_removed`:
          await setMembers(organizationId, (members) => members.filter((m) => m.userId !== userId));
          break;
      }
    },
  };
}
