/**
 * JetStream streams, one per domain. Publishers and consumers both ensure
 * their streams exist at startup, so services can start in any order.
 */
export const streams = {
  IDENTITY: { subjects: ['identity.v1.>'], maxMsgsPerSubject: -1 },
  HIRING: { subjects: ['hiring.v1.>'], maxMsgsPerSubject: -1 },
  CONSENT: { subjects: ['consent.v1.consent.>'], maxMsgsPerSubject: -1 },
  /**
   * Last value per (user, purpose): `consent.v1.state.<userId>.<purpose>`.
   * A new instance replays this stream alone to rebuild its projection.
   */
  CONSENT_STATE: { subjects: ['consent.v1.state.>'], maxMsgsPerSubject: 1 },
  CALLS: { subjects: ['calls.v1.>'], maxMsgsPerSubject: -1 },
  PRIVACY: { subjects: ['privacy.v1.>'], maxMsgsPerSubject: -1 },
} as const;

export type StreamName = keyof typeof streams;

export function streamForSubject(subject: string): StreamName {
  for (const [name, config] of Object.entries(streams) as [StreamName, (typeof streams)[StreamName]][]) {
    if (config.subjects.some((pattern) => subject.startsWith(pattern.slice(0, -1)))) return name;
  }
  throw new Error(`no stream carries subject ${subject}`);
}
