import { randomUUID } from 'node:crypto';
import { AppError, badInput, outboxOnCreate, outboxOnUpdate, updateAndRead, type SubgraphContext, identityEvents, requireService, requireUser } from '@profile-graph/kit';
import type { IdentityServices } from '../identityServices';
import { roleOf, type OrganizationDoc, type OrganizationRole } from './organizationModel';
import { loadUser } from '../resolvers/userResolvers';
import { validateDisplayText } from '../validation/validateDisplayText';
import type { MutationAddOrganizationMemberArgs, MutationInviteOrganizationMemberArgs, Resolvers } from '../generated/resolvers';

type Context = SubgraphContext<IdentityServices>;

export const OPERATOR_ORGANIZATIONS_SCOPE = 'operator:organizations';
const ROLES = new Set<OrganizationRole>(['ADMIN', 'RECRUITER']);
const MAX_PENDING_INVITATIONS = 100;

const adminCount = (organization: Pick<OrganizationDoc, 'members'>) => organization.members.filter((member) => member.role === 'ADMIN').length;

/** Not a member and no such organization look the same: ids of others' organizations are not confirmed. */
export const organizationNotFound = () => new AppError('NOT_FOUND', 'No such organization among yours.');

function validateName(raw: unknown): string {
  return validateDisplayText(raw, 'input.name', { min: 2, max: 80 });
}

/** The organization if the signed-in user holds `role` in it (any role when omitted). */
export async function organizationForMember(context: Context, organizationId: unknown, role?: OrganizationRole): Promise<OrganizationDoc> {
  const userId = requireUser(context.viewer);
  if (typeof organizationId !== 'string') throw organizationNotFound();
  const organization = await context.services.organizations.findById(organizationId).lean().exec();
  const held = organization ? roleOf(organization, userId) : null;
  if (!organization || !held) throw organizationNotFound();
  if (role && held !== role) throw new AppError('FORBIDDEN', `Only the organization's ${role}s may do this.`);
  return organization;
}

/**
 * The organization (the viewer must be its ADMIN) and the user a handle names,
 * for adding or inviting a member: validated, and not a member already.
 */
async function prospectiveMember(context: Context, args: MutationAddOrganizationMemberArgs | MutationInviteOrganizationMemberArgs) {
  if (!ROLES.has(args.role)) throw badInput('role', 'use ADMIN or RECRUITER.');
  if (typeof args.handle !== 'string' || args.handle.length > 30) throw badInput('handle', 'give a user handle.');
  const organization = await organizationForMember(context, args.organizationId, 'ADMIN');
  const user = await context.services.users.findOne({ handleLower: args.handle.trim().toLowerCase() }).lean().exec();
  if (!user) throw badInput('handle', 'no user has this handle.');
  if (roleOf(organization, user._id)) throw new AppError('CONFLICT', 'This user is already a member.');
  return { organization, user };
}

export const organizationResolvers = {
  Query: {
    myOrganizations: (_, __, context) =>
      context.services.organizations.find({ 'members.userId': requireUser(context.viewer) }).sort({ createdAt: 1 }).lean().exec(),
    organization: async (_, args, context) => {
      try {
        return await organizationForMember(context, args.id);
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },
    myOrganizationInvitations: async (_, __, context) => {
      const userId = requireUser(context.viewer);
      const found = await context.services.organizations.find({ 'invitations.userId': userId }).lean().exec();
      return found.flatMap((organization) =>
        (organization.invitations ?? []).filter((invitation) => invitation.userId === userId).map((invitation) => ({ ...invitation, organizationId: organization._id, organization })),
      );
    },
    partnerOrganization: (_, __, context) =>
      context.viewer.kind === 'partner' && context.viewer.orgId ? context.services.organizations.findById(context.viewer.orgId).lean().exec() : null,
  },
  Mutation: {
    createOrganization: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const name = validateName(args.input?.name);
      const { organizations, relay } = context.services;
      const id = randomUUID();
      const event = identityEvents.organizationCreated.create({ organizationId: id, name, createdBy: userId }, userId);
      const created = await organizations.create({
        _id: id,
        name,
        verified: false,
        createdBy: userId,
        members: [{ userId, role: 'ADMIN', addedAt: new Date() }],
        ...outboxOnCreate([event]),
      });
      relay.kick();
      return created.toObject();
    },
    addOrganizationMember: async (_, args, context) => {
      const { organization, user } = await prospectiveMember(context, args);
      const { organizations, relay } = context.services;
      const member = { userId: user._id, role: args.role, addedAt: new Date() };
      const event = identityEvents.memberAdded.create({ organizationId: organization._id, userId: user._id, role: args.role }, user._id);
      // Conditional on the user not being a member yet: two racing adds cannot both succeed.
      const result = await organizations.updateOne(
        { _id: organization._id, 'members.userId': { $ne: user._id } },
        outboxOnUpdate([event], { $push: { members: member } }),
      );
      if (result.modifiedCount !== 1) throw new AppError('CONFLICT', 'This user is already a member.');
      relay.kick();
      return member;
    },
    verifyOrganization: async (_, args, context) => {
      requireService(context.viewer, OPERATOR_ORGANIZATIONS_SCOPE);
      const { organizations, relay } = context.services;
      const existing = typeof args.id === 'string' ? await organizations.findById(args.id).lean().exec() : null;
      if (!existing) throw new AppError('NOT_FOUND', 'No organization has this id.');
      if (existing.verified) return existing;
      // hiring keeps its own list of verified organizations (who may post jobs) from this event: id and name.
      const event = identityEvents.organizationVerified.create({ organizationId: existing._id, name: existing.name });
      const updated = await updateAndRead(organizations, { _id: existing._id, verified: false }, outboxOnUpdate([event], { $set: { verified: true, verifiedAt: new Date() } }));
      relay.kick();
      return updated ?? (await organizations.findById(existing._id).lean().exec()) ?? existing;
    },
    inviteOrganizationMember: async (_, args, context) => {
      const { organization, user } = await prospectiveMember(context, args);
      const { organizations, relay } = context.services;
      if (organization.invitations?.some((invitation) => invitation.userId === user._id)) throw new AppError('CONFLICT', 'This user is already invited.');
      if ((organization.invitations?.length ?? 0) >= MAX_PENDING_INVITATIONS) throw new AppError('CONFLICT', `At most ${MAX_PENDING_INVITATIONS} invitations may be pending; cancel some first.`);
      const invitation = { userId: user._id, role: args.role, invitedBy: context.viewer.userId!, invitedAt: new Date() };
      const event = identityEvents.memberInvited.create({ organizationId: organization._id, userId: user._id, role: args.role }, user._id);
      const result = await organizations.updateOne(
        { _id: organization._id, 'members.userId': { $ne: user._id }, 'invitations.userId': { $ne: user._id } },
        outboxOnUpdate([event], { $push: { invitations: invitation } }),
      );
      if (result.modifiedCount !== 1) throw new AppError('CONFLICT', 'This user is already a member or invited.');
      relay.kick();
      return { ...invitation, organizationId: organization._id };
    },
    acceptOrganizationInvitation: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const { organizations, relay } = context.services;
      const organization = typeof args.organizationId === 'string' ? await organizations.findOne({ _id: args.organizationId, 'invitations.userId': userId }).lean().exec() : null;
      const invitation = organization?.invitations?.find((candidate) => candidate.userId === userId);
      if (!organization || !invitation) throw new AppError('NOT_FOUND', 'No such invitation for you.');
      const member = { userId, role: invitation.role, addedAt: new Date() };
      const event = identityEvents.memberAdded.create({ organizationId: organization._id, userId, role: invitation.role }, userId);
      const result = await organizations.updateOne(
        { _id: organization._id, 'invitations.userId': userId, 'members.userId': { $ne: userId } },
        outboxOnUpdate([event], { $pull: { invitations: invitation }, $push: { members: member } }),
      );
      if (result.modifiedCount !== 1) throw new AppError('NOT_FOUND', 'No such invitation for you.');
      relay.kick();
      return member;
    },
    declineOrganizationInvitation: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const { organizations } = context.services;
      const organization = typeof args.organizationId === 'string' ? await organizations.findOne({ _id: args.organizationId, 'invitations.userId': userId }).lean().exec() : null;
      const invitation = organization?.invitations?.find((candidate) => candidate.userId === userId);
      const result = invitation ? await organizations.updateOne({ _id: organization!._id }, { $pull: { invitations: invitation } }) : null;
      if (result?.modifiedCount !== 1) throw new AppError('NOT_FOUND', 'No such invitation for you.');
      return true;
    },
    removeOrganizationMember: async (_, args, context) => {
      const viewerId = requireUser(context.viewer);
      const leaving = args.userId === viewerId;
      // Anyone may leave; only ADMINs remove others (or cancel their invitations).
      const organization = await organizationForMember(context, args.organizationId, leaving ? undefined : 'ADMIN');
      const { organizations, relay } = context.services;
      const role = roleOf(organization, args.userId);
      if (!role) {
        const invitation = leaving ? undefined : organization.invitations?.find((candidate) => candidate.userId === args.userId);
        // FerretDB 1.x $pull matches whole values only, so the invitation as read.
        const cancelled = invitation ? await organizations.updateOne({ _id: organization._id }, { $pull: { invitations: invitation } }) : null;
        if (cancelled?.modifiedCount !== 1) throw new AppError('NOT_FOUND', 'This user is neither a member nor invited.');
        return organizations.findById(organization._id).lean().exec();
      }
      if (role === 'ADMIN' && adminCount(organization) === 1) throw new AppError('CONFLICT', 'An organization keeps at least one ADMIN: make someone else ADMIN first.');
      const event = identityEvents.memberRemoved.create({ organizationId: organization._id, userId: args.userId }, args.userId);
      // The last-ADMIN rule is checked on the document as read (FerretDB 1.x has no $elemMatch on fields to guard it in the write).
      const result = await organizations.updateOne(
        { _id: organization._id, 'members.userId': args.userId },
        // The member as read: FerretDB 1.x $pull matches whole values only.
        outboxOnUpdate([event], { $pull: { members: organization.members.find((member) => member.userId === args.userId) } }),
      );
      if (result.modifiedCount !== 1) throw new AppError('CONFLICT', 'Members changed meanwhile; try again.');
      relay.kick();
      return organizations.findById(organization._id).lean().exec();
    },
    changeOrganizationMemberRole: async (_, args, context) => {
      if (!ROLES.has(args.role)) throw badInput('role', 'use ADMIN or RECRUITER.');
      const organization = await organizationForMember(context, args.organizationId, 'ADMIN');
      const { organizations, relay } = context.services;
      const index = organization.members.findIndex((member) => member.userId === args.userId);
      const current = organization.members[index];
      if (!current) throw new AppError('NOT_FOUND', 'This user is not a member.');
      if (current.role === args.role) return current;
      if (current.role === 'ADMIN' && adminCount(organization) === 1) throw new AppError('CONFLICT', 'An organization keeps at least one ADMIN: make someone else ADMIN first.');
      const event = identityEvents.memberRoleChanged.create({ organizationId: organization._id, userId: args.userId, role: args.role }, args.userId);
      const result = await organizations.updateOne(
        // By position, conditional on the member still being there (FerretDB 1.x has no positional `$`); the last-ADMIN rule was checked above.
        { _id: organization._id, [`members.${index}.userId`]: args.userId },
        outboxOnUpdate([event], { $set: { [`members.${index}.role`]: args.role } }),
      );
      if (result.modifiedCount !== 1) throw new AppError('CONFLICT', 'Members changed meanwhile; try again.');
      relay.kick();
      return { ...current, role: args.role };
    },
  },
  Organization: {
    id: (organization) => organization._id,
    members: (organization, _, context) =>
      roleOf(organization, context.viewer.userId) ? organization.members : [],
    invitations: (organization, _, context) =>
      roleOf(organization, context.viewer.userId) === 'ADMIN' ? (organization.invitations ?? []).map((invitation) => ({ ...invitation, organizationId: organization._id, organization })) : null,
    apiKeys: (organization, _, context) =>
      roleOf(organization, context.viewer.userId) === 'ADMIN'
        ? context.services.apiKeys.find({ organizationId: organization._id }).sort({ createdAt: 1 }).lean().exec()
        : null,
  },
  OrganizationInvitation: {
    organization: async (invitation, _, context) =>
      invitation.organization ?? context.services.organizations.findById(invitation.organizationId).lean().exec(),
    user: (invitation, _, context) => loadUser(context, invitation.userId),
  },
  OrganizationMember: {
    user: (member, _, context) => loadUser(context, member.userId),
  },
} satisfies Resolvers;
