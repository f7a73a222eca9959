import { rmSync } from 'node:fs';
import { connect } from 'nats';
import { EventBus, consentStateSubject, createLogger, STREAM_NAMES } from '@profile-graph/kit';
import { createThrowawayCa, eventually, startTestEnvironment, type TestEnvironment, type ThrowawayCa } from '@profile-graph/kit/testing';
import { startNats, type NatsHandle } from '@profile-graph/dev-services';
import { createConsent, loadConsentConfig } from '../../src';
import { decide, newUserId } from '../support/consentTestbed';

// TLS end to end, once: a CA made for this test, a nats-server that speaks
// only TLS with a certificate it signed, consent connecting over tls:// with
// NATS_TLS_CA_FILE and its own nkey, and a decision arriving on CONSENT_STATE.
describe('NATS over TLS with a private CA', () => {
  let env: TestEnvironment;
  let ca: ThrowawayCa;
  let nats: NatsHandle;
  let admin: EventBus;
  let consent: Awaited<ReturnType<typeof createConsent>>;
  const logger = createLogger({ name: 'tls-test', level: 'silent' });

  beforeAll(async () => {
    env = await startTestEnvironment();
    ca = createThrowawayCa();
    nats = await startNats({ tls: { certFile: ca.certFile, keyFile: ca.keyFile } });
    admin = await EventBus.connect({ url: nats.url, role: 'admin', nkeySeed: nats.credentials.admin.seed, tlsCaFile: ca.caFile, name: 'tls-admin', timeoutMs: 5_000, logger });
    await admin.provisionStreams(STREAM_NAMES);
    consent = await createConsent(
      loadConsentConfig(env.subgraphEnv('consent', { NATS_URL: nats.url, NATS_NKEY_SEED: nats.credentials.consent.seed, NATS_TLS_CA_FILE: ca.caFile })),
    );
  });

  afterAll(async () => {
    await consent?.close();
    await admin?.close();
    await nats?.stop();
    await env?.stop();
    if (ca) rmSync(ca.dir, { recursive: true, force: true });
  });

  it('carries a consent decision over tls://, and refuses clients that do not trust the CA or bring no key', async () => {
    expect(nats.url).toMatch(/^tls:\/\/127\.0\.0\.1:\d+$/);
    const ada = newUserId();
    await decide(env, (await consent.listen(0)).url, ada, 'EMPLOYER_SHARING', true);
    const jsm = await admin.nc.jetstreamManager();
    await eventually(async () => {
      const message = await jsm.streams.getMessage('CONSENT_STATE', { last_by_subj: consentStateSubject(ada, 'EMPLOYER_SHARING') });
      expect(JSON.parse(Buffer.from(message.data).toString()).data).toMatchObject({ userId: ada, status: 'GRANTED' });
    });

    // Without the CA the server's certificate is not trusted: no connection, with or without a key.
    await expect(EventBus.connect({ url: nats.url, role: 'consent', nkeySeed: nats.credentials.consent.seed, name: 'no-ca', timeoutMs: 2_000, logger })).rejects.toThrow(
      /certificate|self.signed|unable to verify/i,
    );
    // Trusting the CA is not enough: a client without a key is still refused.
    await expect(connect({ servers: nats.url, tls: { caFile: ca.caFile }, timeout: 2_000 })).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
  });
});
