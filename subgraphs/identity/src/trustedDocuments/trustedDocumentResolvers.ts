import { AppError, identityEvents, isDuplicateKeyError, outboxOnUpdate, updateAndRead, type SubgraphContext, type TrustedOperation } from '@profile-graph/kit';
import type { IdentityServices } from '../identityServices';
import type { OrganizationDoc } from '../organizations/organizationModel';
import { organizationForMember } from '../organizations/organizationResolvers';
import { roleOf } from '../organizations/organizationModel';
import { parseTrustedDocumentsManifest } from './parseTrustedDocumentsManifest';
import { manifestId } from './trustedDocumentManifestModel';
import type { Resolvers } from '../generated/resolvers';

type Context = SubgraphContext<IdentityServices>;

const changedEvent = (organizationId: string, version: number, enforced: boolean) =>
  identityEvents.trustedDocumentsChanged.create({ organizationId, version, enforced });

/** What Organization.trustedDocuments shows its ADMINs. */
export interface TrustedDocumentsView {
  organizationId: string;
  version: number;
  enforced: boolean;
  updatedAt: Date | null;
  /** Set when the mutation that returns the view has just written the manifest. */
  operations?: TrustedOperation[];
}

const viewOf = (organization: OrganizationDoc): TrustedDocumentsView => ({
  organizationId: organization._id,
  version: organization.trustedDocuments?.version ?? 0,
  enforced: organization.trustedDocuments?.enforced ?? false,
  updatedAt: organization.trustedDocuments?.updatedAt ?? null,
});

/**
 * Moves the organization's pointer from `expected` to the new state in one
 * conditional write with its change event, so two ADMINs acting at once
 * cannot both win: the loser gets CONFLICT and tries again.
 */
async function moveTo(context: Context, organization: OrganizationDoc, next: { version: number; enforced: boolean }): Promise<OrganizationDoc> {
  const current = organization.trustedDocuments;
  const filter = current ? { _id: organization._id, 'trustedDocuments.version': current.version, 'trustedDocuments.enforced': current.enforced } : { _id: organization._id, trustedDocuments: null };
  const updated = await updateAndRead(
    context.services.organizations,
    filter,
    outboxOnUpdate([changedEvent(organization._id, next.version, next.enforced)], { $set: { trustedDocuments: { ...next, updatedAt: new Date() } } }),
  );
  if (!updated) throw new AppError('CONFLICT', "The organization's trusted documents changed meanwhile; read them and try again.");
  context.services.relay.kick();
  return updated as OrganizationDoc;
}

export const trustedDocumentResolvers = {
  Mutation: {
    uploadTrustedDocuments: async (_, args, context) => {
      // Validated before anything is looked up or written.
      const operations = parseTrustedDocumentsManifest(args.manifest);
      const organization = await organizationForMember(context, args.organizationId, 'ADMIN');
      if (!organization.verified) throw new AppError('FORBIDDEN', 'This organization is not verified yet; only verified organizations hold partner keys.');
      const version = (organization.trustedDocuments?.version ?? 0) + 1;
      try {
        await context.services.trustedDocumentManifests.create({
          _id: manifestId(organization._id, version),
          organizationId: organization._id,
          version,
          operations,
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('CONFLICT', 'Another upload of this version happened meanwhile; try again.');
        throw error;
      }
      const updated = await moveTo(context, organization, { version, enforced: organization.trustedDocuments?.enforced ?? false });
      return { ...viewOf(updated), operations };
    },
    setTrustedDocumentsEnforcement: async (_, args, context) => {
      if (typeof args.enforced !== 'boolean') throw new AppError('BAD_USER_INPUT', 'enforced: give true or false.', { field: 'enforced' });
      const organization = await organizationForMember(context, args.organizationId, 'ADMIN');
      const current = viewOf(organization);
      if (current.enforced === args.enforced && organization.trustedDocuments) return current;
      return viewOf(await moveTo(context, organization, { version: current.version, enforced: args.enforced }));
    },
  },
  Organization: {
    /** ADMINs only: which operations a leaked key could run is not every member's business. */
    trustedDocuments: (organization, _, context) =>
      context.viewer.kind === 'user' && roleOf(organization, context.viewer.userId) === 'ADMIN' ? viewOf(organization) : null,
  },
  TrustedDocuments: {
    operations: async (view, _, context) => {
      if (view.operations) return view.operations;
      if (view.version === 0) return [];
      const manifest = await context.services.trustedDocumentManifests.findById(manifestId(view.organizationId, view.version)).lean().exec();
      return manifest?.operations ?? [];
    },
  },
} satisfies Resolvers;
