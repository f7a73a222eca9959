import { allConsentPurposes, batchByField, requireOwner, requireUser } from '@profile-graph/kit';
import { recordConsentDecision, type ConsentStateView } from '../ledger/recordConsentDecision';
import { consentStateId, type ConsentStateDoc } from '../models/consentStateModel';
import { validateGrant } from '../validation/validateGrant';
import type { Resolvers } from '../generated/resolvers';

/** Longest a withdrawal waits for its snapshot to reach NATS before answering anyway. */
const WITHDRAWAL_PUBLISH_WAIT_MS = 2_000;

export const consentResolvers = {
  User: {
    /** A user's consents are theirs alone to see. */
    consents: async (user, _, context) => {
      requireOwner(context.viewer, user.id, 'consents');
      // By _id (one per purpose), not by userId: FerretDB answers only `_id` equality from an index, so
      // `find({ userId })` read every user's state document on every `me { consents }` (issue 19).
      const load = batchByField<ConsentStateDoc & Record<string, unknown>>(context.services.states, '_id', { ledger: 0, lastEntry: 0 });
      const states = (await load(allConsentPurposes.map((purpose) => consentStateId(user.id, purpose)))).filter((state) => state !== null);
      const byPurpose = new Map(states.map((state) => [state.purpose, state]));
      return allConsentPurposes.map(
        (purpose) => byPurpose.get(purpose) ?? { purpose, status: 'NEVER_GRANTED', policyVersion: null, updatedAt: null },
      );
    },
  },
  Mutation: {
    grantConsent: async (_, args, context): Promise<ConsentStateView> => {
      const userId = requireUser(context.viewer);
      const input = validateGrant(args.input);
      const state = await recordConsentDecision(context.services, {
        userId,
        purpose: input.purpose,
        status: 'GRANTED',
        policyVersion: input.policyVersion,
        method: input.writtenRelease ? 'WRITTEN_RELEASE' : 'EXPLICIT_OPT_IN',
        writtenRelease: input.writtenRelease ?? null,
        origin: context.origin ?? null,
        jurisdiction: input.jurisdiction ?? null,
      });
      // No relay.kick(): the write went through the tracked model, so the relay publishes this
      // document by _id already; a kick would add a full scan of the collection (costly on FerretDB).
      return state;
    },
    withdrawConsent: async (_, args, context): Promise<ConsentStateView> => {
      const userId = requireUser(context.viewer);
      const state = await recordConsentDecision(context.services, {
        userId,
        purpose: args.purpose,
        status: 'WITHDRAWN',
        policyVersion: null,
        method: 'WITHDRAWAL',
        origin: context.origin ?? null,
      });
      // Answer once the withdrawal is on NATS, so every subgraph's projection is a hop away when
      // the user sees it confirmed. Bounded: if NATS is slow the outbox still delivers it, and
      // subgraphs that lose NATS refuse non-owner gated reads once their projection is stale.
      await context.services.relay.whenRelayed(context.services.states, consentStateId(userId, args.purpose), WITHDRAWAL_PUBLISH_WAIT_MS);
      return state;
    },
  },
} satisfies Resolvers;
