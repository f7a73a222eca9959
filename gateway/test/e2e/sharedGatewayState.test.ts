import { createHash } from 'node:crypto';
import { eventually, postGraphQL, startTestEnvironment, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { OPERATOR_TOKEN, startSubgraphs, type SubgraphUrls, type TestSubgraphs } from '../support/startSubgraphs';
import { spawnGateway, type SubgraphProcess } from './reliability/spawnSubgraph';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token refreshToken user { id } } }';
const ME = '{ me { id } }';
/** The bound the issue sets: a revocation through one gateway is refused by another within this. */
const REVOCATION_BOUND_MS = 1_000;

type Gateway = SubgraphProcess;

// Revocations and rate limits are state of the whole deployment, not of one
// gateway process: here two real gateway processes share one nats-server
// (with the permission table's users), and one is restarted.
describe('state shared by every gateway replica (separate gateway processes, one NATS)', () => {
  let env: TestEnvironment;
  let subgraphs: TestSubgraphs;
  let subgraphUrls: SubgraphUrls;
  const running = new Set<Gateway>();
  let natsDown = false;

  const gatewayEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    // Not 'silent': the gateway runtime reads LOG_LEVEL too and knows no such level.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    VIEWER_PRIVATE_KEY: env.viewerKeys.privateKey,
    SESSION_PUBLIC_KEY: env.sessionKeys.publicKey,
    NATS_URL: env.nats.url,
    NATS_NKEY_SEED: env.nats.credentials.gateway.seed,
    OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    SUBGRAPH_IDENTITY_URL: subgraphUrls.identity,
    SUBGRAPH_HIRING_URL: subgraphUrls.hiring,
    SUBGRAPH_CONSENT_URL: subgraphUrls.consent,
    SUBGRAPH_CALLS_URL: subgraphUrls.calls,
    RATE_LIMIT_CAPACITY: '100000',
    RATE_LIMIT_REFILL_PER_SECOND: '10000',
    ...extra,
  });
  const start = async (extra: Record<string, string> = {}) => {
    const gateway = await spawnGateway(gatewayEnv(extra));
    running.add(gateway);
    return gateway;
  };
  const stop = async (gateway: Gateway) => {
    await gateway.stop();
    running.delete(gateway);
  };
  const q = <T = any>(gateway: Gateway, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> =>
    postGraphQL<T>(gateway.url, query, variables, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const codeOf = (response: GraphQLResponse) => response.body.errors?.[0]?.extensions?.code;
  const signUp = async (gateway: Gateway, handle: string) => {
    const response = await q(gateway, SIGN_UP, { input: { handle, password: 'correct horse battery', displayName: handle } });
    if (!response.body.data?.signUp) throw new Error(`signUp ${handle} failed: ${JSON.stringify(response.body.errors)}`);
    return { id: response.body.data.signUp.user.id as string, token: response.body.data.signUp.token as string, refreshToken: response.body.data.signUp.refreshToken as string };
  };
  /** Polls `probe` as fast as it answers until it gives `code`; the time from `since` until then. */
  const refusedWithin = async (since: number, probe: () => Promise<GraphQLResponse>, code = 'UNAUTHENTICATED'): Promise<number> => {
    for (;;) {
      const response = await probe();
      if (codeOf(response) === code) return Date.now() - since;
      if (Date.now() - since > 10_000) throw new Error(`still not ${code} after 10 s: ${JSON.stringify(response.body)}`);
    }
  };

  beforeAll(async () => {
    env = await startTestEnvironment();
    ({ subgraphs, subgraphUrls } = await startSubgraphs(env));
  }, 60_000);

  afterAll(async () => {
    if (natsDown) await env?.nats.restart();
    for (const gateway of running) await gateway.stop().catch(() => undefined);
    await Promise.all(Object.values(subgraphs ?? {}).map((subgraph) => subgraph.close()));
    await env?.stop();
  });

  describe('revocations', () => {
    let a: Gateway;
    let b: Gateway;
    const figures: string[] = [];

    beforeAll(async () => {
      [a, b] = await Promise.all([start(), start()]);
    }, 60_000);

    afterAll(() => {
      if (figures.length) console.log(`shared revocations: ${figures.join('; ')}`);
    });

    it('refuses, on the other gateway within 1 s, a session signed out and an API key revoked through one; and still after that gateway restarts', async () => {
      const ada = await signUp(a, 'kv_ada');
      const grace = await signUp(a, 'kv_grace');
      expect((await q(b, ME, {}, bearer(ada.token))).body.data).toEqual({ me: { id: ada.id } });

      // A partner key, used through b first so b holds it in its cache.
      const org = await q(a, 'mutation { createOrganization(input: { name: "Shared Inc" }) { id } }', {}, bearer(ada.token));
      const orgId = org.body.data.createOrganization.id as string;
      await q(a, 'mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: orgId }, { 'x-operator-token': OPERATOR_TOKEN });
      const created = await q(a, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }', { input: { organizationId: orgId, name: 'ats', scopes: ['JOBS_READ'] } }, bearer(ada.token));
      const secret = created.body.data.createApiKey.secret as string;
      const keyId = created.body.data.createApiKey.apiKey.id as string;
      const partner = (gateway: Gateway) => q(gateway, '{ partnerOrganization { id } }', {}, { 'x-api-key': secret });
      await eventually(async () => expect((await partner(b)).body.data?.partnerOrganization?.id).toBe(orgId));

      // Grace signs out through a; b refuses her token.
      const signedOutAt = Date.now();
      expect((await q(a, 'mutation($r: String!) { signOut(refreshToken: $r) }', { r: grace.refreshToken }, bearer(grace.token))).body.data).toEqual({ signOut: true });
      const sessionMs = await refusedWithin(signedOutAt, () => q(b, ME, {}, bearer(grace.token)));
      expect(sessionMs).toBeLessThan(REVOCATION_BOUND_MS);

      // The key is revoked through a; b, which had it cached, refuses it.
      const revokedAt = Date.now();
      expect((await q(a, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: keyId }, bearer(ada.token))).body.errors).toBeUndefined();
      const keyMs = await refusedWithin(revokedAt, () => partner(b));
      expect(keyMs).toBeLessThan(REVOCATION_BOUND_MS);
      figures.push(`sign-out reached the other gateway in ${sessionMs} ms`, `key revocation in ${keyMs} ms`);

      // b restarts: it loads the bucket before it answers, so its very first answer to either is a refusal.
      await stop(b);
      b = await start();
      expect(codeOf(await q(b, ME, {}, bearer(grace.token)))).toBe('UNAUTHENTICATED');
      expect(codeOf(await partner(b))).toBe('UNAUTHENTICATED');
      // ... and only those: Ada's session was not revoked.
      expect((await q(b, ME, {}, bearer(ada.token))).body.data).toEqual({ me: { id: ada.id } });
    }, 60_000);

    it('refuses every token of an erased user, on a gateway started after the erasure too', async () => {
      const bob = await signUp(a, 'kv_bob');
      // A second session: erasure covers every one of them, and the user as such.
      const second = await q(a, 'mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: 'kv_bob', p: 'correct horse battery' });
      const secondToken = second.body.data.signIn.token as string;
      expect((await q(b, ME, {}, bearer(secondToken))).body.data).toEqual({ me: { id: bob.id } });
      const requested = Date.now();
      expect((await q(a, 'mutation { deleteMyAccount { id } }', {}, bearer(bob.token))).body.errors).toBeUndefined();
      const erasedMs = await refusedWithin(requested, () => q(b, ME, {}, bearer(secondToken)));
      figures.push(`erasure refused the user's tokens on the other gateway ${erasedMs} ms after the request`);
      const late = await start();
      for (const token of [bob.token, secondToken]) expect(codeOf(await q(late, ME, {}, bearer(token)))).toBe('UNAUTHENTICATED');
      await stop(late);
    }, 60_000);

    it('fails closed while NATS is away: user tokens and keys get 503, anonymous requests are served; a gateway cannot start without it', async () => {
      const eve = await signUp(a, 'kv_eve');
      expect((await q(a, ME, {}, bearer(eve.token))).body.data).toEqual({ me: { id: eve.id } });
      await env.nats.stop();
      natsDown = true;
      const stoppedAt = Date.now();
      // The disconnect is seen at once (the socket closes); a silent partition is caught by REVOCATIONS_STALE_AFTER_MS.
      const closedMs = await refusedWithin(stoppedAt, () => q(a, ME, {}, bearer(eve.token)), 'SERVICE_UNAVAILABLE');
      const refused = await q(b, ME, {}, bearer(eve.token));
      expect(refused.status).toBe(503);
      expect(codeOf(refused)).toBe('SERVICE_UNAVAILABLE');
      expect(codeOf(await q(b, '{ partnerOrganization { id } }', {}, { 'x-api-key': `pgk_live_${'A'.repeat(43)}` }))).toBe('SERVICE_UNAVAILABLE');
      // Limits fail open to each gateway's own buckets: anonymous traffic goes on, and both are visible to operators.
      expect((await q(b, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
      const metrics = await (await fetch(b.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(metrics).toMatch(/^revocations_current\{[^}]*\} 0$/m);
      expect(metrics).toMatch(/^rate_limit_local_fallbacks_total\{[^}]*reason="unavailable"[^}]*\} [1-9]/m);
      await expect(spawnGateway(gatewayEnv())).rejects.toThrow(/exited .*before it was ready/);
      figures.push(`NATS stopped: user tokens refused with 503 after ${closedMs} ms`);

      await env.nats.restart();
      natsDown = false;
      const restartedAt = Date.now();
      await eventually(async () => expect((await q(a, ME, {}, bearer(eve.token))).body.data).toEqual({ me: { id: eve.id } }), 15_000, 50);
      const after = await (await fetch(a.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(after).toMatch(/^revocations_current\{[^}]*\} 1$/m);
      expect(after).toMatch(/^revocations_held\{[^}]*\} [1-9]/m);
      figures.push(`accepted again ${Date.now() - restartedAt} ms after NATS came back`);
    }, 60_000);

    afterAll(async () => {
      for (const gateway of [a, b]) if (gateway) await stop(gateway);
    });
  });

  describe('rate limits', () => {
    const CAPACITY = 40;
    const REFILL_PER_SECOND = 0.5;
    /** Lease size of SharedTokenBucketLimiter at this capacity: capacity / 20. */
    const LEASE = 2;
    let c: Gateway;
    let d: Gateway;

    beforeAll(async () => {
      const limited = () => start({ RATE_LIMIT_CAPACITY: String(CAPACITY), RATE_LIMIT_REFILL_PER_SECOND: String(REFILL_PER_SECOND) });
      [c, d] = await Promise.all([limited(), limited()]);
    }, 60_000);

    afterAll(async () => {
      for (const gateway of [c, d]) if (gateway) await stop(gateway);
    });

    /** Sends `total` requests at once, alternating between the gateways; how many were let through, and how long it took. */
    const burst = async (total: number, headers: Record<string, string>) => {
      const started = Date.now();
      const statuses = await Promise.all(
        Array.from({ length: total }, (_, i) => fetch((i % 2 ? c : d).url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ __typename }' }) }).then((r) => r.status)),
      );
      const seconds = (Date.now() - started) / 1000;
      expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
      return { allowed: statuses.filter((status) => status === 200).length, seconds };
    };
    /**
     * One capacity for both gateways, within: refill during the burst and a lease per gateway spent late (over),
     * and a lease per gateway stranded where the client stopped sending (under).
     */
    const expectOneCapacity = ({ allowed, seconds }: { allowed: number; seconds: number }, alreadySpent: number) => {
      expect(allowed).toBeGreaterThanOrEqual(CAPACITY - alreadySpent - 2 * (LEASE - 1));
      expect(allowed).toBeLessThanOrEqual(CAPACITY - alreadySpent + Math.ceil(seconds * REFILL_PER_SECOND) + 2 * LEASE);
      // Two independent buckets would have let through about twice as many.
      expect(allowed).toBeLessThan(1.5 * CAPACITY);
    };

    it('limits a burst of one user spread over two gateways to one capacity', async () => {
      // The sign-up spends one token of the address's (anonymous) bucket, not the user's.
      const user = await signUp(c, 'kv_burst');
      const result = await burst(3 * CAPACITY, bearer(user.token));
      console.log(`two gateways, capacity ${CAPACITY}: a user's burst of ${3 * CAPACITY} let through ${result.allowed} in ${result.seconds.toFixed(2)} s`);
      expectOneCapacity(result, 0);
    }, 30_000);

    it('limits anonymous requests from one address the same way, across both gateways', async () => {
      const result = await burst(3 * CAPACITY, {});
      console.log(`two gateways, capacity ${CAPACITY}: an address's burst of ${3 * CAPACITY} let through ${result.allowed} in ${result.seconds.toFixed(2)} s`);
      // The sign-up above spent one of this address's tokens.
      expectOneCapacity(result, 1);
    }, 30_000);
  });
});
