import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { eventually, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createConsent, loadConsentConfig } from '../../src';
import { asViewer, decide, errorCodes, hiringProfileOf, newUserId, partner, standingApplication, userViewer } from '../support/consentTestbed';

const STALE_AFTER_MS = 1_500;

// Stops the real nats-server mid-test: past CONSENT_STALE_AFTER_MS a subgraph
// can no longer vouch for its projection and refuses others' gated reads.
describe('fail closed when consent state cannot be vouched for', () => {
  let env: TestEnvironment;
  let consent: Awaited<ReturnType<typeof createConsent>>;
  let hiring: Awaited<ReturnType<typeof createHiring>>;
  let consentUrl: string;
  let hiringUrl: string;
  const ada = newUserId();

  beforeAll(async () => {
    env = await startTestEnvironment();
    consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent')));
    hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring', { CONSENT_STALE_AFTER_MS: String(STALE_AFTER_MS) })));
    consentUrl = (await consent.listen(0)).url;
    hiringUrl = (await hiring.listen(0)).url;
    await hiring.services.profiles.create({ _id: ada, headline: 'Engineer', skills: ['typescript'], employmentHistory: [{ employer: 'Acme', title: 'Dev' }] });
    await standingApplication(hiring, ada);
    await decide(env, consentUrl, ada, 'EMPLOYER_SHARING', true);
    await decide(env, consentUrl, ada, 'CANDIDATE_DISCOVERY', true);
    await eventually(async () => expect((await hiringProfileOf(env, hiringUrl, partner, ada)).body.errors).toBeUndefined());
  });

  afterAll(async () => {
    await env?.nats.restart().catch(() => undefined);
    await hiring?.close();
    await consent?.close();
    await env?.stop();
  });

  it('denies others with CONSENT_UNAVAILABLE past the bound, keeps owner reads, and recovers without resurrecting a withdrawal made meanwhile', async () => {
    const stoppedAt = Date.now();
    await env.nats.stop();

    // Within the bound the projection is still trusted.
    const early = await hiringProfileOf(env, hiringUrl, partner, ada);
    if (Date.now() - stoppedAt < STALE_AFTER_MS) expect(early.body.errors).toBeUndefined();

    const unavailable = await eventually(async () => {
      const response = await hiringProfileOf(env, hiringUrl, partner, ada);
      expect(errorCodes(response)).toEqual(['CONSENT_UNAVAILABLE', 'CONSENT_UNAVAILABLE', 'CONSENT_UNAVAILABLE']);
      return response;
    }, STALE_AFTER_MS + 3_000, 50);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(STALE_AFTER_MS);
    expect(unavailable.body.data._entities[0].hiringProfile).toEqual({ userId: ada, skills: null, employmentHistory: null, educationHistory: null });
    expect(unavailable.body.errors?.[0]?.extensions?.purpose).toBe('EMPLOYER_SHARING');

    // The owner still reads their own sharing-purpose data.
    const own = await hiringProfileOf(env, hiringUrl, userViewer(ada), ada);
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data._entities[0].hiringProfile.skills).toEqual(['typescript']);

    // Lists refuse too, rather than answer from a state nobody can vouch for.
    const search = await asViewer(env, hiringUrl, 'hiring', partner, '{ candidates(filter: { skills: ["typescript"] }) { nodes { userId } } }');
    expect(errorCodes(search)).toEqual(['CONSENT_UNAVAILABLE']);

    const ready = await fetch(hiringUrl.replace('/graphql', '/ready'));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, boolean> }).checks.consent).toBe(false);

    // Withdraw while NATS is down: the decision is stored; its event waits in the outbox.
    await decide(env, consentUrl, ada, 'EMPLOYER_SHARING', false);

    const restartedAt = Date.now();
    await env.nats.restart();
    // Poll through the recovery: the old grant may show only within the propagation bound.
    let lastGrantedAt: number | null = null;
    const refused = await eventually(async () => {
      const response = await hiringProfileOf(env, hiringUrl, partner, ada);
      if (!response.body.errors) lastGrantedAt = Date.now();
      expect(errorCodes(response)).toEqual(['CONSENT_REQUIRED', 'CONSENT_REQUIRED', 'CONSENT_REQUIRED']);
      return Date.now();
    }, 10_000, 10);
    console.log(
      `after nats-server restart: withdrawal made during the outage enforced in ${refused - restartedAt} ms; ` +
        `stale grant last served ${lastGrantedAt === null ? 'never' : `${lastGrantedAt - restartedAt} ms after restart`}`,
    );
    if (lastGrantedAt !== null) expect(lastGrantedAt - restartedAt).toBeLessThan(1_000);
    expect(hiring.consent.isGranted(ada, 'EMPLOYER_SHARING')).toBe(false);
    const search2 = await asViewer(env, hiringUrl, 'hiring', partner, '{ candidates(filter: { skills: ["typescript"] }) { nodes { userId } } }');
    expect(search2.body).toEqual({ data: { candidates: { nodes: [{ userId: ada }] } } });
  }, 30_000);
});
