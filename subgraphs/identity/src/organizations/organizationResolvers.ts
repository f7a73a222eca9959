import { randomUUID } from 'node:crypto';
import { AppError, badInput, createEvent, outboxOnCreate, outboxOnUpdate, type SubgraphContext } from '@profile-graph/kit';
import type { IdentityServices } from '../identityServices';
import { roleOf, type OrganizationDoc, type OrganizationRole } from './organizationModel';
import { requireOperator, requireUserId } from './requireViewer';
import { loadUser } from '../resolvers/userResolvers';

type Context = SubgraphContext<IdentityServices>;

export const OPERATOR_ORGANIZATIONS_SCOPE = 'operator:organizations';
const ROLES = new Set<OrganizationRole>(['ADMIN', 'RECRUITER']);

/** Not a member and no such organization look the same: ids of others' organizations are not confirmed. */
export const organizationNotFound = () => new AppError('NOT_FOUND', 'No such organization among yours.');

function validateName(raw: unknown): string {
  if (typeof raw !== 'string') throw badInput('input.name', 'give a name as text.');
  const name = raw.trim();
  if (name.length < 2 || name.length > 80) throw badInput('input.name', 'use 2 to 80 characters.');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badInput('input.name', 'control characters are not allowed.');
  return name;
}

/** The organization if the signed-in user holds `role` in it (any role when omitted). */
export async function organizationForMember(context: Context, organizationId: unknown, role?: OrganizationRole): Promise<OrganizationDoc> {
  const userId = requireUserId(context.viewer);
  if (typeof organizationId !== 'string') throw organizationNotFound();
  const organization = await context.services.organizations.findById(organizationId).lean().exec();
  const held = organization ? roleOf(organization, userId) : null;
  if (!organization || !held) throw organizationNotFound();
  if (role && held !== role) throw new AppError('FORBIDDEN', `Only the organization's ${role}s may do this.`);
  return organization;
}

export const organizationResolvers = {
  Query: {
    myOrganizations: (_: unknown, __: unknown, context: Context) =>
      context.services.organizations.find({ 'members.userId': requireUserId(context.viewer) }).sort({ createdAt: 1 }).lean().exec(),
    organization: async (_: unknown, args: { id: string }, context: Context) => {
      try {
        return await organizationForMember(context, args.id);
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },
    partnerOrganization: (_: unknown, __: unknown, context: Context) =>
      context.viewer.kind === 'partner' && context.viewer.orgId ? context.services.organizations.findById(context.viewer.orgId).lean().exec() : null,
  },
  Mutation: {
    createOrganization: async (_: unknown, args: { input: { name: string } }, context: Context) => {
      const userId = requireUserId(context.viewer);
      const name = validateName(args.input?.name);
      const { organizations, relay } = context.services;
      const id = randomUUID();
      const event = createEvent('identity.v1.organization.created', { organizationId: id, name, createdBy: userId }, userId);
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
    addOrganizationMember: async (_: unknown, args: { organizationId: string; handle: string; role: OrganizationRole }, context: Context) => {
      if (!ROLES.has(args.role)) throw badInput('role', 'use ADMIN or RECRUITER.');
      if (typeof args.handle !== 'string' || args.handle.length > 30) throw badInput('handle', 'give a user handle.');
      const organization = await organizationForMember(context, args.organizationId, 'ADMIN');
      const { users, organizations, relay } = context.services;
      const user = await users.findOne({ handleLower: args.handle.trim().toLowerCase() }).lean().exec();
      if (!user) throw badInput('handle', 'no user has this handle.');
      if (roleOf(organization, user._id)) throw new AppError('CONFLICT', 'This user is already a member.');
      const member = { userId: user._id, role: args.role, addedAt: new Date() };
      const event = createEvent('identity.v1.organization.member_added', { organizationId: organization._id, userId: user._id, role: args.role }, user._id);
      // Conditional on the user not being a member yet: two racing adds cannot both succeed.
      const result = await organizations.updateOne(
        { _id: organization._id, 'members.userId': { $ne: user._id } },
        { $push: { members: member, _outbox: { $each: [event] } }, $inc: { _outboxSeq: 1 } },
      );
      if (result.modifiedCount !== 1) throw new AppError('CONFLICT', 'This user is already a member.');
      relay.kick();
      return member;
    },
    verifyOrganization: async (_: unknown, args: { id: string }, context: Context) => {
      requireOperator(context.viewer, OPERATOR_ORGANIZATIONS_SCOPE);
      const { organizations, relay } = context.services;
      const event = createEvent('identity.v1.organization.verified', { organizationId: args.id });
      const updated = await organizations
        .findOneAndUpdate({ _id: args.id, verified: false }, { $set: { verified: true, verifiedAt: new Date() }, ...outboxOnUpdate([event]) }, { returnDocument: 'after' })
        .lean()
        .exec();
      relay.kick();
      if (updated) return updated;
      const existing = await organizations.findById(args.id).lean().exec();
      if (!existing) throw new AppError('NOT_FOUND', 'No organization has this id.');
      return existing;
    },
  },
  Organization: {
    id: (organization: OrganizationDoc) => organization._id,
    members: (organization: OrganizationDoc, _: unknown, context: Context) =>
      roleOf(organization, context.viewer.userId) ? organization.members : [],
    apiKeys: (organization: OrganizationDoc, _: unknown, context: Context) =>
      roleOf(organization, context.viewer.userId) === 'ADMIN'
        ? context.services.apiKeys.find({ organizationId: organization._id }).sort({ createdAt: 1 }).lean().exec()
        : null,
  },
  OrganizationMember: {
    user: (member: { userId: string }, _: unknown, context: Context) => loadUser(context, member.userId),
  },
};
