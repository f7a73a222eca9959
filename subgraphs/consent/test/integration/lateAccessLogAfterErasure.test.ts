import { AccessLogRecorder, createEvent, ERASURE_REQUESTED_SUBJECT } from '@profile-graph/kit';
import { eventually, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createConsent, loadConsentConfig } from '../../src';
import { newUserId } from '../support/consentTestbed';

// Access-log batches still buffered in another subgraph when an erasure runs arrive after it, over the real bus.
describe('consent: access-log batches arriving after an erasure', () => {
  let env: TestEnvironment;
  let consent: Awaited<ReturnType<typeof createConsent>>;

  beforeAll(async () => {
    env = await startTestEnvironment();
    consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent')));
    await consent.listen(0);
  });
  afterAll(async () => {
    await consent?.close();
    await env?.stop();
  });

  const log = () => consent.db.collection('data_access_log');

  it('stores nothing about an erased subject, and no id of an erased reader', async () => {
    const erased = newUserId();
    const other = newUserId();
    await consent.bus.publish(createEvent(ERASURE_REQUESTED_SUBJECT, { requestId: `late-log-${erased}`, userId: erased }));
    await eventually(async () => expect(await consent.db.collection('privacy_erasures').countDocuments({ _id: `late-log-${erased}` as never })).toBe(1), 10_000);

    // One late batch: reads of the erased user's data, the erased user's reads of someone else, and an unrelated read.
    const recorder = new AccessLogRecorder(consent.bus, consent.logger, { subgraph: 'hiring', flushMs: 60_000 });
    recorder.record({ viewerKind: 'partner', viewerId: 'key-acme-1', viewerOrgId: 'acme', subjectUserId: erased, field: 'HiringProfile.skills', purpose: 'EMPLOYER_SHARING' });
    recorder.record({ viewerKind: 'user', viewerId: erased, viewerOrgId: null, subjectUserId: other, field: 'HiringProfile.skills', purpose: 'EMPLOYER_SHARING' });
    recorder.record({ viewerKind: 'partner', viewerId: 'key-acme-1', viewerOrgId: 'acme', subjectUserId: other, field: 'HiringProfile.headline', purpose: 'EMPLOYER_SHARING' });
    await recorder.close();

    await eventually(async () => expect(await log().countDocuments({ subjectUserId: other })).toBe(2), 10_000);
    expect(await log().countDocuments({ subjectUserId: erased })).toBe(0);
    expect(await log().countDocuments({ viewerId: erased })).toBe(0);
    expect(await log().findOne({ subjectUserId: other, viewerKind: 'user' })).toMatchObject({ viewerId: null, fields: ['HiringProfile.skills'] });
  });
});
