import { createHash, randomBytes } from 'node:crypto';
import { InMemorySpanExporter, addSpanExporter } from '@profile-graph/core';
import { eventually, postGraphQL, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { becomeEmployerOf } from '../support/becomeEmployerOf';
import { startGraph, type TestGraph } from '../support/startGraph';
import { spawnGateway, spawnSubgraph, type SubgraphProcess } from './reliability/spawnSubgraph';

/** True when `text` has a sample of `name` carrying all of `labels` (prom-client orders labels its own way). */
function hasSample(text: string, name: string, labels: Record<string, string>, value: RegExp = /^\d/): boolean {
  return text.split('\n').some((line) => {
    if (!line.startsWith(`${name}{`)) return false;
    const close = line.indexOf('} ');
    const pairs = line.slice(name.length + 1, close);
    return Object.entries(labels).every(([k, v]) => pairs.includes(`${k}="${v}"`)) && value.test(line.slice(close + 2));
  });
}

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token refreshToken user { id } } }';

describe('metrics and traces across the graph (in-process)', () => {
  let graph: TestGraph;
  const spans = new InMemorySpanExporter();
  let detach: () => void;

  beforeAll(async () => {
    detach = addSpanExporter(spans);
    graph = await startGraph();
  }, 60_000);

  afterAll(async () => {
    detach?.();
    await graph?.stop();
  });

  it('follows one sign-up from the gateway to identity, into the NATS message and into hiring`s consumer, under one trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await graph.query(
      SIGN_UP,
      { input: { handle: 'traced_ada', password: 'correct horse battery', displayName: 'Ada' } },
      undefined,
      { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'x-request-id': 'trace-test-1' },
    );
    expect(response.body.errors).toBeUndefined();
    const userId = response.body.data.signUp.user.id as string;
    await eventually(async () => expect(await graph.subgraphs.hiring.services.profiles.findById(userId).lean()).not.toBeNull());

    const names = await eventually(() => {
      const inTrace = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId).map((span) => span.name);
      expect(inTrace).toEqual(expect.arrayContaining(['POST /graphql', 'subgraph identity', 'POST /graphql identity', 'consume hiring-user-created']));
      expect(inTrace.some((name) => name.startsWith('publish identity.v1.user'))).toBe(true);
      return inTrace;
    });
    expect(names.length).toBeGreaterThanOrEqual(5);
    const message = await (await (await graph.env.bus('admin')).nc.jetstreamManager()).streams.getMessage('IDENTITY', { last_by_subj: 'identity.v1.user.created' });
    expect(message.header.get('traceparent')).toContain(traceId);
    expect(message.header.get('x-request-id')).toBe('trace-test-1');
  });

  it('serves Prometheus metrics on the gateway and every subgraph: requests, latency, errors by code, consent denials, consumer lag', async () => {
    const grace = await graph.signUp('metrics_grace');
    const ada = await graph.signUp('metrics_ada');
    await graph.query('mutation { updateHiringProfile(input: { headline: "x", skills: ["go"] }) { headline } }', {}, grace.token);
    // Ada employs Grace (an application stands), so her read is refused for consent, not as an outsider.
    await becomeEmployerOf(graph.query, ada, [grace]);
    const denied = await graph.query('query($h: String!) { userByHandle(handle: $h) { hiringProfile { skills } } }', { h: 'metrics_grace' }, ada.token);
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('CONSENT_REQUIRED');

    const gateway = await (await fetch(new URL('/metrics', graph.gatewayUrl))).text();
    expect(hasSample(gateway, 'http_requests_total', { route: '/graphql', status: '200', service: 'gateway' }, /^[1-9]/)).toBe(true);
    expect(hasSample(gateway, 'http_request_duration_seconds_bucket', { le: '+Inf', route: '/graphql', service: 'gateway' }, /^[1-9]/)).toBe(true);
    expect(hasSample(gateway, 'graphql_errors_total', { code: 'CONSENT_REQUIRED', service: 'gateway' }, /^[1-9]/)).toBe(true);
    expect(hasSample(gateway, 'upstream_request_duration_seconds_count', { subgraph: 'hiring', service: 'gateway' }, /^[1-9]/)).toBe(true);
    expect(hasSample(gateway, 'process_resident_memory_bytes', { service: 'gateway' }, /^[1-9]/)).toBe(true);
    // The gateway's registry is core's BaseMetrics plus its own: none of the subgraphs' consent, event or NATS series.
    expect(gateway).not.toMatch(/^(# (HELP|TYPE) )?(consent_|events?_|nats_connected)/m);

    for (const [name, url] of Object.entries(graph.subgraphUrls)) {
      const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
      expect(text).toContain('# TYPE http_request_duration_seconds histogram');
      if (name === 'identity' || name === 'hiring') expect(hasSample(text, 'http_requests_total', { route: '/graphql', status: '200', service: name }, /^[1-9]/)).toBe(true);
      expect(hasSample(text, 'nats_connected', { service: name }, /^1$/)).toBe(true);
    }
    const hiring = await (await fetch(graph.subgraphUrls.hiring.replace('/graphql', '/metrics'))).text();
    expect(hasSample(hiring, 'consent_denials_total', { purpose: 'EMPLOYER_SHARING', code: 'CONSENT_REQUIRED', service: 'hiring' }, /^[1-9]/)).toBe(true);
    expect(hasSample(hiring, 'events_handled_total', { durable: 'hiring-user-created', outcome: 'ok', service: 'hiring' }, /^[1-9]/)).toBe(true);
    expect(hasSample(hiring, 'event_consumer_lag_seconds_count', { durable: 'hiring-user-created', service: 'hiring' }, /^[1-9]/)).toBe(true);
    expect(hasSample(hiring, 'event_consumer_pending', { durable: 'hiring-user-created', service: 'hiring' })).toBe(true);
  });
});

// The real processes, logging JSON to stdout at debug level, through a run
// that handles every kind of secret; then the logs are searched for them.
describe('logs never contain secrets or personal data (separate processes, debug level)', () => {
  let env: TestEnvironment;
  const processes: SubgraphProcess[] = [];
  let gateway: SubgraphProcess;
  const operatorToken = randomBytes(24).toString('hex');

  beforeAll(async () => {
    env = await startTestEnvironment();
    const roles = ['identity', 'hiring', 'consent', 'calls'] as const;
    processes.push(...(await Promise.all(roles.map((name) => spawnSubgraph(name, { PATH: process.env.PATH, ...env.subgraphEnv(name, { LOG_LEVEL: 'debug' }) })))));
    const [identity, hiring, consent, calls] = processes;
    gateway = await spawnGateway({
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      VIEWER_PRIVATE_KEY: env.viewerKeys.privateKey,
      SESSION_PUBLIC_KEY: env.sessionKeys.publicKey,
      NATS_URL: env.nats.url,
      NATS_NKEY_SEED: env.nats.credentials.gateway.seed,
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(operatorToken).digest('hex'),
      SUBGRAPH_IDENTITY_URL: identity!.url,
      SUBGRAPH_HIRING_URL: hiring!.url,
      SUBGRAPH_CONSENT_URL: consent!.url,
      SUBGRAPH_CALLS_URL: calls!.url,
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(processes.map((p) => p.stop()));
    await env?.stop();
  });

  it('finds none of them after sign-up, sign-in, refresh, API key creation and use, phone and biometric submissions, failures included', async () => {
    const q = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => postGraphQL(gateway.url, query, variables, headers);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const password = `Pw-${randomBytes(8).toString('hex')}`;
    const phone = '+15557654321';
    const selfie = `selfie-${randomBytes(16).toString('base64url')}`;
    const governmentId = `govid-${randomBytes(16).toString('base64url')}`;
    const natsSeeds = Object.values(env.nats.credentials).map((key) => key.seed);
    const secrets: string[] = [password, phone, phone.slice(1), selfie, governmentId, operatorToken, ...natsSeeds];

    const signUp = await q(SIGN_UP, { input: { handle: 'leak_admin', password, displayName: 'Admin' } });
    expect(signUp.body.errors).toBeUndefined();
    const { token, refreshToken } = signUp.body.data.signUp;
    secrets.push(token, refreshToken);
    const signIn = await q('mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token refreshToken } }', { h: 'leak_admin', p: password });
    expect(signIn.body.errors).toBeUndefined();
    secrets.push(signIn.body.data.signIn.token, signIn.body.data.signIn.refreshToken);
    // Failures too: a wrong password and a forged bearer must not echo what was sent.
    await q('mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: 'leak_admin', p: `${password}-wrong` });
    secrets.push(`${password}-wrong`);
    await q('query { me { id } }', {}, bearer(`${token}x`));
    const refreshed = await q('mutation($r: String!) { refreshSession(refreshToken: $r) { token refreshToken } }', { r: signIn.body.data.signIn.refreshToken });
    if (refreshed.body.data?.refreshSession) secrets.push(refreshed.body.data.refreshSession.token, refreshed.body.data.refreshSession.refreshToken);

    const org = await q('mutation { createOrganization(input: { name: "Leak Test Inc" }) { id } }', {}, bearer(token));
    const orgId = org.body.data.createOrganization.id as string;
    await q('mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: orgId }, { 'x-operator-token': operatorToken });
    const key = await q('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', { input: { organizationId: orgId, name: 'ats', scopes: ['JOBS_READ'] } }, bearer(token));
    expect(key.body.errors).toBeUndefined();
    const apiKey = key.body.data.createApiKey.secret as string;
    secrets.push(apiKey);
    await q('query { __typename }', {}, { 'x-api-key': apiKey });
    await q('query { __typename }', {}, { 'x-api-key': `${apiKey.slice(0, -2)}zz` });

    // Phone and biometric submissions (whatever identity answers, the values must not be logged).
    await q('mutation($e: String!) { setPhoneNumber(e164: $e) { id } }', { e: phone }, bearer(token));
    await q('mutation { grantConsent(input: { purpose: BIOMETRIC_VERIFICATION, policyVersion: "2026-01", writtenRelease: { signature: "Admin", signedAt: "2026-01-01T00:00:00Z" } }) { status } }', {}, bearer(token));
    await q('mutation($g: String!, $s: String!) { submitIdentityVerification(governmentIdImage: $g, selfieImage: $s) { id } }', { g: governmentId, s: selfie }, bearer(token));
    await q('mutation { signOut(refreshToken: "' + refreshToken + '") }', {}, bearer(token));

    // Let relays, consumers and access-log flushes run and log.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const logs = [gateway, ...processes].map((p) => p.output()).join('\n');
    const lines = logs.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(10);
    // Request ids travel: some subgraph line carries a request id the gateway also logged, or at least every request line has one.
    expect(lines.some((line) => /"requestId":"[^"]+"/.test(line))).toBe(true);
    for (const secret of secrets) {
      const found = lines.find((line) => line.includes(secret));
      expect(found === undefined ? 'not logged' : `logged: ${found.slice(0, 300)}`).toBe('not logged');
    }
    // No JWT of any kind (access tokens, signed viewers) and no API key prefix with a secret after it.
    expect(lines.filter((line) => /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./.test(line))).toEqual([]);
    expect(lines.filter((line) => /pgk_live_[A-Za-z0-9_-]{16,}/.test(line))).toEqual([]);
  }, 60_000);
});
