import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createCalls, loadCallsConfig } from '@profile-graph/calls';
import { createConsent, loadConsentConfig } from '@profile-graph/consent';
import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { createIdentity, loadIdentityConfig } from '@profile-graph/identity';
import { postGraphQL, startTestEnvironment, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { createGateway } from '../../src/createGateway';
import { loadGatewayConfig } from '../../src/config/loadGatewayConfig';

export interface TestGraph {
  env: TestEnvironment;
  gatewayUrl: string;
  subgraphs: {
    identity: Awaited<ReturnType<typeof createIdentity>>;
    hiring: Awaited<ReturnType<typeof createHiring>>;
    consent: Awaited<ReturnType<typeof createConsent>>;
    calls: Awaited<ReturnType<typeof createCalls>>;
  };
  subgraphUrls: Record<'identity' | 'hiring' | 'consent' | 'calls', string>;
  /** Sends an operation through the gateway, optionally as a signed-in user. */
  query<T = any>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Signs up a user through the gateway and returns its id, access token and refresh token. */
  signUp(handle: string, displayName?: string): Promise<{ id: string; token: string; refreshToken: string }>;
  /** The operator token the gateway accepts (as x-operator-token). */
  operatorToken: string;
  /** Another gateway over the same subgraphs, with its own settings (limits, rate limits, CORS...). */
  startGateway(env?: Record<string, string>): Promise<{ url: string; close(): Promise<void> }>;
  stop(): Promise<void>;
}

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token refreshToken user { id } } }';
const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';

/**
 * The whole graph in-process for end-to-end tests: the four real subgraphs on
 * port 0 against the test environment's NATS and MongoDB-wire server, and the
 * gateway over the committed schema/supergraph.graphql with its subgraph URLs
 * pointed at them.
 */
export async function startGraph(extraEnv: Record<string, string> = {}): Promise<TestGraph> {
  const env = await startTestEnvironment();
  const source = env.subgraphEnv(extraEnv);
  const subgraphs = {
    identity: await createIdentity(loadIdentityConfig(source)),
    hiring: await createHiring(loadHiringConfig(source)),
    consent: await createConsent(loadConsentConfig(source)),
    calls: await createCalls(loadCallsConfig(source)),
  };
  const subgraphUrls = {
    identity: (await subgraphs.identity.listen(0)).url,
    hiring: (await subgraphs.hiring.listen(0)).url,
    consent: (await subgraphs.consent.listen(0)).url,
    calls: (await subgraphs.calls.listen(0)).url,
  };
  const gatewayEnv = (extra: Record<string, string>) =>
    loadGatewayConfig(['--supergraph', join(__dirname, '../../../schema/supergraph.graphql'), '--port', '0'], {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      VIEWER_PRIVATE_KEY: env.viewerKeys.privateKey,
      SESSION_PUBLIC_KEY: env.sessionKeys.publicKey,
      SUBGRAPH_IDENTITY_URL: subgraphUrls.identity,
      SUBGRAPH_HIRING_URL: subgraphUrls.hiring,
      SUBGRAPH_CONSENT_URL: subgraphUrls.consent,
      SUBGRAPH_CALLS_URL: subgraphUrls.calls,
      NATS_URL: env.nats.url,
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
      // Tests send many requests from one address; the rate limit has its own test with its own gateway.
      RATE_LIMIT_CAPACITY: '100000',
      RATE_LIMIT_REFILL_PER_SECOND: '10000',
      ...extraEnv,
      ...extra,
    });
  const gateway = createGateway(gatewayEnv({}));
  const gatewayUrl = (await gateway.listen(0)).url;
  const extraGateways: ReturnType<typeof createGateway>[] = [];

  const query: TestGraph['query'] = (text, variables, token, headers = {}) =>
    postGraphQL(gatewayUrl, text, variables, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });

  return {
    env,
    gatewayUrl,
    subgraphs,
    subgraphUrls,
    query,
    signUp: async (handle, displayName = handle) => {
      const response = await query(SIGN_UP, { input: { handle, password: 'correct horse battery', displayName } });
      if (!response.body.data?.signUp) throw new Error(`signUp ${handle} failed: ${JSON.stringify(response.body.errors)}`);
      const { user, token, refreshToken } = response.body.data.signUp;
      return { id: user.id, token, refreshToken };
    },
    operatorToken: OPERATOR_TOKEN,
    startGateway: async (extra = {}) => {
      const another = createGateway(gatewayEnv(extra));
      extraGateways.push(another);
      return { url: (await another.listen(0)).url, close: () => another.close() };
    },
    stop: async () => {
      await Promise.all(extraGateways.map((another) => another.close()));
      await gateway.close();
      await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.close()));
      await env.stop();
    },
  };
}
