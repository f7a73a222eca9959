/**
 * JetStream streams, one per domain. The owner (the permission table's only
 * role allowed to create it, scripts/lib/natsPermissions.js) creates its
 * streams at startup; every other service waits for them to exist, so
 * services can start in any order.
 */
export const streams = {
  IDENTITY: { subjects: ['identity.v1.>'], maxMsgsPerSubject: -1, owner: 'identity' },
  HIRING: { subjects: ['hiring.v1.>'], maxMsgsPerSubject: -1, owner: 'hiring' },
  CONSENT: { subjects: ['consent.v1.consent.>'], maxMsgsPerSubject: -1, owner: 'consent' },
  /**
   * Last value per (user, purpose): `consent.v1.state.<userId>.<purpose>`.
   * A new instance replays this stream alone to rebuild its projection.
   */
  CONSENT_STATE: { subjects: ['consent.v1.state.>'], maxMsgsPerSubject: 1, owner: 'consent' },
  CALLS: { subjects: ['calls.v1.>'], maxMsgsPerSubject: -1, owner: 'calls' },
  /** Erasure requests (consent's) and every subgraph's access-log batches and erasure reports; consent runs the saga. */
  PRIVACY: { subjects: ['privacy.v1.>'], maxMsgsPerSubject: -1, owner: 'consent' },
} as const;

export type StreamName = keyof typeof streams;

export const STREAM_NAMES = Object.keys(streams) as StreamName[];

export function streamForSubject(subject: string): StreamName {
  for (const [name, config] of Object.entries(streams) as [StreamName, (typeof streams)[StreamName]][]) {
    if (config.subjects.some((pattern) => subject.startsWith(pattern.slice(0, -1)))) return name;
  }
  throw new Error(`no stream carries subject ${subject}`);
}
