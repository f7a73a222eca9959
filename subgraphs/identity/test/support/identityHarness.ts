import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsent, loadConsentConfig } from '@profile-graph/consent';
import type { Viewer } from '@profile-graph/kit';
import { postGraphQL, startTestEnvironment, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { createIdentity, type IdentityOptions, type IdentityService } from '../../src/createIdentity';
import { loadIdentityConfig } from '../../src/identityConfig';

export const userViewer = (userId: string): Viewer => ({ kind: 'user', userId, scopes: [] });
export const anonymous: Viewer = { kind: 'anonymous', scopes: [] };
export const billing: Viewer = { kind: 'service', scopes: ['operator:subscriptions'] };

/** Smallest byte strings that pass as images (magic bytes) plus some distinct content. */
export const jpeg = (label: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`fake-jpeg:${label}:${'x'.repeat(64)}`)]);
export const png = (label: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`fake-png:${label}`)]);

export const errorCodes = (response: GraphQLResponse) => (response.body.errors ?? []).map((error) => error.extensions?.code);

export interface IdentityHarness {
  env: TestEnvironment;
  consentUrl: string;
  identities: IdentityService[];
  urls: string[];
  /** The injected clock; move `clock.now` to travel in time. */
  clock: { now: Date };
  as(viewer: Viewer, query: string, variables?: Record<string, unknown>, instance?: number): Promise<GraphQLResponse>;
  signUp(handle: string): Promise<string>;
  makePremium(userId: string): Promise<void>;
  grant(userId: string, purpose: string): Promise<void>;
  withdraw(userId: string, purpose: string): Promise<void>;
  stop(): Promise<void>;
}

/** Real NATS and MongoDB-wire server: the consent subgraph (real grants and withdrawals) and `instances` identity instances. */
export async function startIdentityHarness(
  options: { instances?: number; env?: Record<string, string>; identity?: Omit<IdentityOptions, 'clock'> } = {},
): Promise<IdentityHarness> {
  const env = await startTestEnvironment();
  const consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent')));
  const consentUrl = (await consent.listen(0)).url;
  const clock = { now: new Date() };
  const identities: IdentityService[] = [];
  const urls: string[] = [];
  for (let i = 0; i < (options.instances ?? 1); i += 1) {
    // FerretDB updates are read-then-write, so two processes writing one document can lose a change
    // (the kit only guards within a process). Only the first instance polls its outbox; the others
    // still publish their own writes at once (the relay is kicked on write).
    const polling: Record<string, string> = i === 0 ? {} : { OUTBOX_POLL_MS: '600000' };
    const identity = await createIdentity(loadIdentityConfig(env.subgraphEnv('identity', { ...options.env, ...polling })), { ...options.identity, clock: () => clock.now });
    identities.push(identity);
    urls.push((await identity.listen(0)).url);
  }
  const asSubgraph = async (url: string, subgraph: string, viewer: Viewer, query: string, variables?: Record<string, unknown>) =>
    postGraphQL(url, query, variables, await env.viewerHeaders(viewer, subgraph));
  const must = (response: GraphQLResponse, what: string) => {
    if (response.body.errors) throw new Error(`${what} failed: ${JSON.stringify(response.body.errors)}`);
    return response;
  };
  const harness: IdentityHarness = {
    env,
    consentUrl,
    identities,
    urls,
    clock,
    as: (viewer, query, variables, instance = 0) => asSubgraph(urls[instance]!, 'identity', viewer, query, variables),
    signUp: async (handle) => {
      const response = must(
        await harness.as(anonymous, 'mutation($i: SignUpInput!) { signUp(input: $i) { user { id } } }', { i: { handle, password: 'correct horse battery', displayName: handle } }),
        `signUp ${handle}`,
      );
      return response.body.data.signUp.user.id;
    },
    makePremium: async (userId) => {
      must(
        await harness.as(billing, 'mutation($u: ID!, $s: DateTime!) { setPremiumSubscription(userId: $u, since: $s) { id } }', { u: userId, s: new Date(clock.now.getTime() - 60_000).toISOString() }),
        'setPremiumSubscription',
      );
    },
    grant: async (userId, purpose) => {
      const input: Record<string, unknown> = { purpose, policyVersion: '2026-01', jurisdiction: 'US-IL' };
      if (purpose === 'BIOMETRIC_VERIFICATION') input.writtenRelease = { signerName: 'Test Signer', signedAt: new Date().toISOString() };
      must(await asSubgraph(consentUrl, 'consent', userViewer(userId), 'mutation($i: GrantConsentInput!) { grantConsent(input: $i) { status } }', { i: input }), 'grantConsent');
    },
    withdraw: async (userId, purpose) => {
      must(await asSubgraph(consentUrl, 'consent', userViewer(userId), 'mutation($p: ConsentPurpose!) { withdrawConsent(purpose: $p) { status } }', { p: purpose }), 'withdrawConsent');
    },
    stop: async () => {
      for (const identity of identities) await identity.close();
      await consent.close();
      await env.stop();
    },
  };
  return harness;
}

/** Waits until every identity instance's consent projection has `purpose` in `status` for `userId`. */
export async function projectionSees(harness: IdentityHarness, userId: string, purpose: 'BIOMETRIC_VERIFICATION' | 'CONTACT_DISCOVERY', granted: boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!harness.identities.every((identity) => identity.consent.isGranted(userId, purpose) === granted)) {
    if (Date.now() > deadline) throw new Error(`projection never saw ${purpose}=${granted} for ${userId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A local verification provider speaking VERIFICATION_PROVIDER.md; records what it received. */
export async function startFakeProvider(answer: (body: any) => { status: number; body: unknown }) {
  const received: any[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      received.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      const reply = answer(body);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
