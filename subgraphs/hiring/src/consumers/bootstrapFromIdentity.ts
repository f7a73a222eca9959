import { fetchIdentitySnapshot, isDuplicateKeyError, type ErasureGuard } from '@profile-graph/kit';
import type { NatsConnection } from 'nats';
import type { OrganizationProjectionModel } from '../models/organizationProjectionModel';

/**
 * hiring's organization projection from identity's snapshot, for a fresh database once the IDENTITY stream no
 * longer holds every organization's history (max_age). Insert-if-absent: an organization the durable consumer
 * already projected is newer than the page, and events arriving after an insert apply over it in order. Erased
 * members are left out, checked again after the insert (an erasure may run meanwhile).
 */
export async function bootstrapOrganizationsFromIdentity(deps: { nc: NatsConnection; organizations: OrganizationProjectionModel; guard: ErasureGuard; timeoutMs: number }): Promise<number> {
  let inserted = 0;
  for await (const page of fetchIdentitySnapshot(deps.nc, 'organizations', { timeoutMs: deps.timeoutMs })) {
    for (const organization of page) {
      const ids = organization.members.map((member) => member.userId);
      const erased = await deps.guard.erasedAmong(ids);
      const members = organization.members.filter((member) => !erased.has(member.userId));
      try {
        await deps.organizations.create({ _id: organization.organizationId, name: organization.name, verified: organization.verified, members, updatedAt: new Date() });
        inserted += 1;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        continue;
      }
      const overtaken = [...(await deps.guard.erasedAmong(ids))].filter((id) => !erased.has(id));
      if (overtaken.length > 0) {
        await deps.organizations.updateOne({ _id: organization.organizationId }, { $set: { members: members.filter((member) => !overtaken.includes(member.userId)) } });
      }
    }
  }
  return inserted;
}
