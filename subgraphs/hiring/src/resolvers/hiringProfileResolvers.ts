import { AppError, loadById, outboxOnUpdate, updateAndRead, hiringEvents } from '@profile-graph/kit';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { validateHiringProfile, type HiringProfileInput, type HiringProfileUpdate } from '../validation/validateHiringProfile';
import { requireUserId, userReference, type Context } from './hiringContext';

const emptyPreferences = { roles: [], locations: [], remote: null, seniority: [] };

async function writeProfile(context: Context, userId: string, update: HiringProfileUpdate, kind: 'created' | 'updated') {
  const event = (kind === 'created' ? hiringEvents.profileCreated : hiringEvents.profileUpdated).create({ userId, fields: Object.keys(update) }, userId);
  const profile = await updateAndRead(context.services.profiles, { _id: userId }, outboxOnUpdate([event], { $set: update }), { upsert: true });
  context.services.relay.kick();
  return profile;
}

export const hiringProfileResolvers = {
  User: {
    hiringProfile: (user: { id: string }, _: unknown, context: Context) => loadById<HiringProfileDoc>(context.loaders, context.services.profiles, user.id),
  },
  HiringProfile: {
    userId: (profile: HiringProfileDoc) => profile._id,
    user: (profile: HiringProfileDoc) => userReference(profile._id),
    // Absent on profiles created by upsert (FerretDB drops empty values from $setOnInsert).
    headline: (profile: HiringProfileDoc) => profile.headline ?? null,
    skills: (profile: HiringProfileDoc) => profile.skills ?? [],
    employmentHistory: (profile: HiringProfileDoc) =>
      (profile.employmentHistory ?? []).map((entry) => ({ from: null, to: null, description: null, ...entry })),
    educationHistory: (profile: HiringProfileDoc) =>
      (profile.educationHistory ?? []).map((entry) => ({ degree: null, field: null, from: null, to: null, ...entry })),
    preferences: (profile: HiringProfileDoc) => ({ ...emptyPreferences, ...profile.preferences }),
    openToWork: (profile: HiringProfileDoc) => profile.openToWork ?? false,
  },
  Mutation: {
    updateHiringProfile: async (_: unknown, args: { input: HiringProfileInput }, context: Context) => {
      const userId = context.viewer.kind === 'user' ? context.viewer.userId : undefined;
      if (!userId) throw new AppError('UNAUTHENTICATED', 'Sign in to update your hiring profile.');
      return writeProfile(context, userId, validateHiringProfile(args.input), 'updated');
    },
    createHiringProfile: async (_: unknown, args: { input: HiringProfileInput }, context: Context) => {
      const userId = requireUserId(context.viewer, 'create your hiring profile');
      const given = validateHiringProfile(args.input);
      // Create means "this is my whole profile": whatever was there and is not given is reset.
      const update: HiringProfileUpdate = {
        headline: null,
        skills: [],
        employmentHistory: [],
        educationHistory: [],
        preferences: emptyPreferences,
        openToWork: false,
        ...given,
      };
      return writeProfile(context, userId, update, 'created');
    },
    deleteHiringProfile: async (_: unknown, __: unknown, context: Context) => {
      const userId = requireUserId(context.viewer, 'delete your hiring profile');
      const { deletedCount } = await context.services.profiles.deleteOne({ _id: userId });
      await context.services.activity.deleteMany({ userId });
      return deletedCount === 1;
    },
  },
};
