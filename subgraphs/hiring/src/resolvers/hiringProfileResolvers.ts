import { loadById, outboxOnUpdate, updateAndRead, hiringEvents, requireUser } from '@profile-graph/kit';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { validateHiringProfile, type HiringProfileUpdate } from '../validation/validateHiringProfile';
import { userReference, type Context } from './hiringContext';
import type { Resolvers } from '../generated/resolvers';

const emptyPreferences = { roles: [], locations: [], remote: null, seniority: [] };

async function writeProfile(context: Context, userId: string, update: HiringProfileUpdate, kind: 'created' | 'updated') {
  const event = (kind === 'created' ? hiringEvents.profileCreated : hiringEvents.profileUpdated).create({ userId, fields: Object.keys(update) }, userId);
  const profile = await updateAndRead(context.services.profiles, { _id: userId }, outboxOnUpdate([event], { $set: update }), { upsert: true });
  context.services.relay.kick();
  return profile;
}

export const hiringProfileResolvers = {
  User: {
    hiringProfile: (user, _, context) => loadById<HiringProfileDoc>(context.loaders, context.services.profiles, user.id),
  },
  HiringProfile: {
    userId: (profile) => profile._id,
    user: (profile) => userReference(profile._id),
    // Absent on profiles created by upsert (FerretDB drops empty values from $setOnInsert).
    headline: (profile) => profile.headline ?? null,
    skills: (profile) => profile.skills ?? [],
    employmentHistory: (profile) =>
      (profile.employmentHistory ?? []).map((entry) => ({ from: null, to: null, description: null, ...entry })),
    educationHistory: (profile) =>
      (profile.educationHistory ?? []).map((entry) => ({ degree: null, field: null, from: null, to: null, ...entry })),
    preferences: (profile) => ({ ...emptyPreferences, ...profile.preferences }),
    openToWork: (profile) => profile.openToWork ?? false,
  },
  Mutation: {
    updateHiringProfile: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      return writeProfile(context, userId, validateHiringProfile(args.input), 'updated');
    },
    createHiringProfile: async (_, args, context) => {
      const userId = requireUser(context.viewer);
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
    deleteHiringProfile: async (_, __, context) => {
      const userId = requireUser(context.viewer);
      const { deletedCount } = await context.services.profiles.deleteOne({ _id: userId });
      await context.services.activity.deleteMany({ userId });
      return deletedCount === 1;
    },
  },
} satisfies Resolvers;
