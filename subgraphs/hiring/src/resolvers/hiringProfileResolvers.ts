import { AppError, consentFilter, createEvent, loadById, outboxOnUpdate, type SubgraphContext } from '@profile-graph/kit';
import type { GraphQLResolveInfo } from 'graphql';
import type { HiringServices } from '../hiringServices';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { normalizeSkills, validateHiringProfile, type HiringProfileInput } from '../validation/validateHiringProfile';

type Context = SubgraphContext<HiringServices>;

export const hiringProfileResolvers = {
  Query: {
    candidates: async (_: unknown, args: { skill: string; first: number }, context: Context, info: GraphQLResolveInfo) => {
      const [skill] = normalizeSkills([args.skill]);
      if (!skill) return [];
      const first = Math.min(Math.max(args.first ?? 20, 1), 100);
      return context.services.profiles
        .find({ skills: skill, ...consentFilter(info, context.viewer, 'CANDIDATE_DISCOVERY') })
        .sort({ updatedAt: -1, _id: 1 })
        .limit(first)
        .lean();
    },
  },
  User: {
    hiringProfile: (user: { id: string }, _: unknown, context: Context) =>
      loadById<HiringProfileDoc>(context.loaders, context.services.profiles, user.id),
  },
  HiringProfile: {
    userId: (profile: HiringProfileDoc) => profile._id,
    // Absent on profiles created by upsert (FerretDB drops empty values from $setOnInsert).
    headline: (profile: HiringProfileDoc) => profile.headline ?? null,
    skills: (profile: HiringProfileDoc) => profile.skills ?? [],
    employmentHistory: (profile: HiringProfileDoc) => profile.employmentHistory ?? [],
    educationHistory: (profile: HiringProfileDoc) => profile.educationHistory ?? [],
  },
  Mutation: {
    updateHiringProfile: async (_: unknown, args: { input: HiringProfileInput }, context: Context) => {
      const userId = context.viewer.kind === 'user' ? context.viewer.userId : undefined;
      if (!userId) throw new AppError('UNAUTHENTICATED', 'Sign in to update your hiring profile.');
      const update = validateHiringProfile(args.input);
      const event = createEvent('hiring.v1.profile.updated', { userId, fields: Object.keys(update) }, userId);
      const profile = await context.services.profiles
        .findOneAndUpdate({ _id: userId }, { $set: update, ...outboxOnUpdate([event]) }, { upsert: true, returnDocument: 'after' })
        .lean();
      context.services.relay.kick();
      return profile;
    },
  },
};
