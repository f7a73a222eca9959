import { randomUUID } from 'node:crypto';
import { AppError, badInput, isDuplicateKeyError, outboxOnCreate, identityEvents, type SubgraphContext } from '@profile-graph/kit';
import type { IdentityServices } from '../identityServices';
import type { UserDoc } from '../models/userModel';
import { validateSignUp } from '../validation/validateSignUp';
import type { Resolvers } from '../generated/resolvers';

type Context = SubgraphContext<IdentityServices>;

/** An access token (as before) plus, since sessions exist, a refresh token for that session. */
async function issueSession(context: Context, user: UserDoc) {
  const issued = await context.services.sessions.start(user._id);
  return { token: issued.token, refreshToken: issued.refreshToken, accessTokenExpiresAt: issued.accessTokenExpiresAt, user };
}

export const authResolvers = {
  Mutation: {
    signUp: async (_, args, context) => {
      const input = validateSignUp(args.input);
      const { users, passwords, relay } = context.services;
      const id = randomUUID();
      const event = identityEvents.userCreated.create({ userId: id, handle: input.handle, displayName: input.displayName, profileVersion: 1 }, id);
      let user: UserDoc;
      try {
        const created = await users.create({
          _id: id,
          handle: input.handle,
          handleLower: input.handle.toLowerCase(),
          displayName: input.displayName,
          profileVersion: 1,
          passwordHash: await passwords.hash(input.password),
          ...outboxOnCreate([event]),
        });
        user = created.toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) throw badInput('handle', 'this handle is taken.');
        throw error;
      }
      relay.kick();
      return issueSession(context, user);
    },
    signIn: async (_, args, context) => {
      const { users, passwords, signInThrottle } = context.services;
      // Bounded before anything else: a megabyte "password" must not cost a megabyte of scrypt.
      if (args.handle.length > 64 || args.password.length > 200) throw new AppError('UNAUTHENTICATED', 'Handle or password is wrong.');
      const handle = args.handle.trim().toLowerCase();
      const ip = context.viewer.clientIp;
      signInThrottle.check(handle, ip);
      const user = await users.findOne({ handleLower: handle }).select('+passwordHash').lean();
      const ok = user ? await passwords.verify(args.password, user.passwordHash) : await passwords.verifyAgainstDummy(args.password);
      if (!user || !ok) {
        signInThrottle.recordFailure(handle, ip);
        throw new AppError('UNAUTHENTICATED', 'Handle or password is wrong.');
      }
      signInThrottle.recordSuccess(handle);
      // Signing in never opens the face template, so it is no interaction with it: retention is not extended.
      return issueSession(context, user);
    },
  },
} satisfies Resolvers;
