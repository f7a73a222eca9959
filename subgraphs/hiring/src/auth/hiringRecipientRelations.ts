import DataLoader from 'dataloader';
import { batchGroupedByField, type RecipientRelations, type SubgraphContext } from '@profile-graph/kit';
import type { ApplicationDoc, ApplicationModel } from '../models/applicationModel';
import type { OrganizationProjectionDoc, OrganizationProjectionModel } from '../models/organizationProjectionModel';

/**
 * The relationships EMPLOYER_SHARING's recipient rule needs, from what hiring
 * owns: applications (who applied to which organization, and whether it
 * still stands) and its copy of identity's organization members. Both are
 * per-request DataLoaders: a page of 50 applicants costs one batch, not 50
 * queries per gated field, and every request sees the current state, so a
 * withdrawn application stops sharing at once.
 */
export function hiringRecipientRelations(models: { applications: ApplicationModel; organizations: OrganizationProjectionModel }): RecipientRelations {
  const loaders = (requestKey: object) => (requestKey as SubgraphContext).loaders;
  return {
    memberOrganizations: async (userId, roles, requestKey) => {
      const loader = loaders(requestKey).get('recipients:memberOrganizations', () =>
        // One viewer per request, so this is one query per request at most.
        new DataLoader<string, OrganizationProjectionDoc[]>(async (ids) =>
          Promise.all(ids.map((id) => models.organizations.find({ 'members.userId': id }).lean<OrganizationProjectionDoc[]>()))),
      );
      const organizations = await loader.load(userId);
      // Only verified organizations employ anyone here (they alone post jobs and hold keys).
      return new Set(organizations.filter((org) => org.verified && org.members?.some((m) => m.userId === userId && roles.includes(m.role))).map((org) => org._id));
    },
    applicationOrganizations: async (subjectUserId, requestKey) => {
      const loader = loaders(requestKey).get(
        'recipients:applicationOrganizations',
        () => new DataLoader<string, ApplicationDoc[]>(batchGroupedByField<ApplicationDoc & Record<string, unknown>>(models.applications, 'candidateId')),
      );
      const applications = await loader.load(subjectUserId);
      return new Set(applications.filter((application) => !application.withdrawnAt).map((application) => application.organizationId));
    },
  };
}
