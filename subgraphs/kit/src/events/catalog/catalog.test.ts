import { ACCESS_RECORDED_SUBJECT } from '../../consent/accessLogRecorder';
import { ERASURE_COMPLETED_SUBJECT, ERASURE_REQUESTED_SUBJECT, TRUSTED_DOCUMENTS_CHANGED_SUBJECT } from '@profile-graph/core';
import { streamForSubject } from '../streams';
import { consentEvents, eventCatalog, eventDefinitionOf, hiringEvents, identityEvents, InvalidEventPayload, privacyEvents } from '.';

describe('the event catalog', () => {
  it('has one definition per subject, each of the <domain>.v1.<entity>.<event> form and carried by a stream', () => {
    const subjects = eventCatalog.map((definition) => definition.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    for (const subject of subjects) {
      expect(subject).toMatch(/^[a-z]+\.v1\.[a-z_]+\.([a-z_]+|>)$/);
      expect(() => streamForSubject(subject)).not.toThrow();
    }
    // The protocol modules' constants name catalog events.
    for (const subject of [ACCESS_RECORDED_SUBJECT, TRUSTED_DOCUMENTS_CHANGED_SUBJECT, ERASURE_COMPLETED_SUBJECT, ERASURE_REQUESTED_SUBJECT]) expect(eventDefinitionOf(subject)?.subject).toBe(subject);
  });

  it('builds envelopes whose payload fits, with the type as subject', () => {
    const event = identityEvents.userCreated.create({ userId: 'u-1', handle: 'ada', displayName: 'Ada', profileVersion: 1 }, 'u-1');
    expect(event).toMatchObject({ type: 'identity.v1.user.created', subjectUserId: 'u-1', version: 1, data: { userId: 'u-1', handle: 'ada' } });
    expect(identityEvents.userCreated.schema.safeParse(event.data).success).toBe(true);
  });

  it('refuses to build an event whose payload does not fit, naming the paths and never the values', () => {
    let error: unknown;
    try {
      identityEvents.memberAdded.create({ organizationId: 'o-1', userId: '', role: 42 as never });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventPayload);
    expect((error as InvalidEventPayload).paths).toEqual(['userId', 'role']);
    expect((error as Error).message).not.toContain('42');
  });

  it('accepts what consumers have always tolerated: events from before a field existed, and fields it does not know', () => {
    // Sign-ups before profile versions, updates that carry no handle, withdrawals without updatedAt (replays).
    expect(identityEvents.userCreated.schema.safeParse({ userId: 'u', handle: 'h' }).success).toBe(true);
    expect(identityEvents.userUpdated.schema.safeParse({ userId: 'u', changed: ['phoneNumber'] }).success).toBe(true);
    expect(consentEvents.consentWithdrawn.schema.safeParse({ userId: 'u', purpose: 'BIOMETRIC_VERIFICATION', status: 'WITHDRAWN', version: 2 }).success).toBe(true);
    const parsed = hiringEvents.profileUpdated.schema.safeParse({ userId: 'u', fields: [], addedLater: true });
    expect(parsed.success && parsed.data.addedLater).toBe(true);
  });

  it('refuses payloads a consumer would act on wrongly', () => {
    const refused = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => result.error?.issues.map((issue) => issue.path.join('.'));
    expect(refused(identityEvents.userCreated.schema.safeParse({ handle: 'h' }))).toEqual(['userId']);
    expect(refused(identityEvents.userDeleted.schema.safeParse({ userId: 7 }))).toEqual(['userId']);
    expect(refused(consentEvents.consentWithdrawn.schema.safeParse({ userId: 'u', purpose: 'SELLING', status: 'GRANTED', version: 0 }))).toEqual(['purpose', 'status', 'version']);
    expect(refused(privacyEvents.erasureCompleted.schema.safeParse({ requestId: 'r', subgraph: 'billing', removed: {} }))).toEqual(['subgraph']);
    expect(refused(identityEvents.verificationCompleted.schema.safeParse({ userId: 'u', status: 'VERIFIED', completedAt: 'yesterday' }))).toEqual(['completedAt']);
  });

  it('names each consent snapshot by its own subject, and matches the family', () => {
    const event = consentEvents.consentState.create({ userId: 'u-9', purpose: 'EMPLOYER_SHARING', status: 'GRANTED', version: 3, updatedAt: new Date(0).toISOString() }, 'u-9');
    expect(event.type).toBe('consent.v1.state.u-9.EMPLOYER_SHARING');
    expect(eventDefinitionOf(event.type)).toBe(consentEvents.consentState);
    expect(consentEvents.consentState.matches('consent.v1.state.')).toBe(false);
    expect(eventDefinitionOf('identity.v1.user.renamed')).toBeUndefined();
  });
});
