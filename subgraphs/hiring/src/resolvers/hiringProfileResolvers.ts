import { AppError, createEvent, loadById, outboxOnUpdate, type SubgraphContext } from '@profile-graph/kit';
import type { HiringServices } from '../hiringServices';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { validateHiringProfile, type HiringProfileInput } from '../validation/validateHiringProfile';

type Context = SubgraphContext<HiringServices>;

export const hiringProfileResolvers = {
  User: {
    hiringProfile: (user: { id: string }, _: unknown, context: Context) =>
      loadById<HiringProfileDoc>(context.loaders, context.services.profiles, user.id),
  },
  HiringProfile: {
    userId: (profile: HiringProfileDoc) => profile._id,
    // Absent on profiles created by upsert (FerretDB drops empty values from $setOnInsert).
    headline: (profile: HiringProfileDoc) => profile.headline ?? null,
    skills: (profile: HiringProfileDoc) => profile.skills ?? [],
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
