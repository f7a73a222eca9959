/**
 * JetStream streams, one per domain. The owner (the permission table's only
 * role allowed to create it, scripts/lib/natsPermissions.js) creates its
 * streams at startup; every other service waits for them to exist, so
 * services can start in any order.
 */
export const streams = {
  IDENTITY: { subjects: ['identity.v1.>'], maxMsgsPerSubject: -1, owner: 'identity', maxAgeHours: 720 },
  HIRING: { subjects: ['hiring.v1.>'], maxMsgsPerSubject: -1, owner: 'hiring', maxAgeHours: 720 },
  CONSENT: { subjects: ['consent.v1.consent.>'], maxMsgsPerSubject: -1, owner: 'consent', maxAgeHours: 720 },
  /**
   * Last value per (user, purpose): `consent.v1.state.<userId>.<purpose>`.
   * A new instance replays this stream alone to rebuild its projection, so it
   * has no max_age (0): it is the snapshot, one message per key, and erasure
   * purges the user's keys.
   */
  CONSENT_STATE: { subjects: ['consent.v1.state.>'], maxMsgsPerSubject: 1, owner: 'consent', maxAgeHours: 0 },
  /** Call events and signaling; signals also leave when their call ends (calls' purge and retention sweep). */
  CALLS: { subjects: ['calls.v1.>'], maxMsgsPerSubject: -1, owner: 'calls', maxAgeHours: 168 },
  /** Erasure requests (consent's) and every subgraph's access-log batches and erasure reports; consent runs the saga. */
  PRIVACY: { subjects: ['privacy.v1.>'], maxMsgsPerSubject: -1, owner: 'consent', maxAgeHours: 720 },
  /**
   * Each service's dead letter (deadLetter.ts): references to the events its consumers gave up on, never their
   * payload. Two weeks, for an operator to look at them (`npm run deadletters`) while the events are still on
   * their streams.
   */
  DEADLETTER_IDENTITY: { subjects: ['deadletter.identity.>'], maxMsgsPerSubject: -1, owner: 'identity', maxAgeHours: 336 },
  DEADLETTER_HIRING: { subjects: ['deadletter.hiring.>'], maxMsgsPerSubject: -1, owner: 'hiring', maxAgeHours: 336 },
  DEADLETTER_CONSENT: { subjects: ['deadletter.consent.>'], maxMsgsPerSubject: -1, owner: 'consent', maxAgeHours: 336 },
  DEADLETTER_CALLS: { subjects: ['deadletter.calls.>'], maxMsgsPerSubject: -1, owner: 'calls', maxAgeHours: 336 },
} as const;

/**
 * How long each stream keeps a message, in hours (0: no limit), per deployment:
 * `EVENT_STREAM_MAX_AGE_<STREAM>_HOURS` (subgraphConfigSchema), defaulting to
 * `maxAgeHours` above. The domain streams are delivery, not storage: a durable
 * consumer that falls further behind than this loses events, and no projection
 * may need more history than this (README, "Retention on the event plane").
 */
export type StreamMaxAgeHours = Partial<Record<keyof typeof streams, number>>;

export type StreamName = keyof typeof streams;

export const STREAM_NAMES = Object.keys(streams) as StreamName[];

export function streamForSubject(subject: string): StreamName {
  for (const [name, config] of Object.entries(streams) as [StreamName, (typeof streams)[StreamName]][]) {
    if (config.subjects.some((pattern) => subject.startsWith(pattern.slice(0, -1)))) return name;
  }
  throw new Error(`no stream carries subject ${subject}`);
}
