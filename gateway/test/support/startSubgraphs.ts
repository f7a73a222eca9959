import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createCalls, loadCallsConfig } from '@profile-graph/calls';
import { createConsent, loadConsentConfig } from '@profile-graph/consent';
import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { createIdentity, loadIdentityConfig } from '@profile-graph/identity';
import { postGraphQL, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config/loadGatewayConfig';

// A type alias, not an interface: Object.entries keeps the value types of an alias.
export type TestSubgraphs = {
  identity: Awaited<ReturnType<typeof createIdentity>>;
  hiring: Awaited<ReturnType<typeof createHiring>>;
  consent: Awaited<ReturnType<typeof createConsent>>;
  calls: Awaited<ReturnType<typeof createCalls>>;
};

export type SubgraphUrls = Record<keyof TestSubgraphs, string>;

export const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';

/** Internal services' tokens the test gateway accepts (as x-service-token), each with its scopes. */
export const SERVICE_TOKENS = {
  trainer: { token: 'test-service-trainer-0123456789abcdef', scopes: ['ml:training'] },
  adServer: { token: 'test-service-ads-0123456789abcdef', scopes: ['ads:personalization'] },
  recommender: { token: 'test-service-recommender-0123456789', scopes: ['hiring:recommendations'] },
  billing: { token: 'test-service-billing-0123456789abcdef', scopes: ['operator:subscriptions'] },
} as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The four real subgraphs on port 0, configured from the test environment, each with its own NATS credentials. */
export async function startSubgraphs(env: TestEnvironment, extraEnv: Record<string, string> = {}): Promise<{ subgraphs: TestSubgraphs; subgraphUrls: SubgraphUrls }> {
  const subgraphs: TestSubgraphs = {
    identity: await createIdentity(loadIdentityConfig(env.subgraphEnv('identity', extraEnv))),
    hiring: await createHiring(loadHiringConfig(env.subgraphEnv('hiring', extraEnv))),
    consent: await createConsent(loadConsentConfig(env.subgraphEnv('consent', extraEnv))),
    calls: await createCalls(loadCallsConfig(env.subgraphEnv('calls', extraEnv))),
  };
  const subgraphUrls: SubgraphUrls = {
    identity: (await subgraphs.identity.listen(0)).url,
    hiring: (await subgraphs.hiring.listen(0)).url,
    consent: (await subgraphs.consent.listen(0)).url,
    calls: (await subgraphs.calls.listen(0)).url,
  };
  return { subgraphs, subgraphUrls };
}

/** A gateway's configuration over the committed supergraph, routed to `subgraphUrls`. */
export function testGatewayConfig(env: TestEnvironment, subgraphUrls: SubgraphUrls, extra: Record<string, string> = {}): GatewayConfig {
  return loadGatewayConfig(['--supergraph', join(__dirname, '../../../schema/supergraph.graphql'), '--port', '0'], {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    VIEWER_PRIVATE_KEY: env.viewerKeys.privateKey,
    SESSION_PUBLIC_KEY: env.sessionKeys.publicKey,
    SUBGRAPH_IDENTITY_URL: subgraphUrls.identity,
    SUBGRAPH_HIRING_URL: subgraphUrls.hiring,
    SUBGRAPH_CONSENT_URL: subgraphUrls.consent,
    SUBGRAPH_CALLS_URL: subgraphUrls.calls,
    NATS_URL: env.nats.url,
    NATS_NKEY_SEED: env.nats.credentials.gateway.seed,
    OPERATOR_TOKEN_SHA256: sha256(OPERATOR_TOKEN),
    SERVICE_TOKENS: JSON.stringify(Object.values(SERVICE_TOKENS).map(({ token, scopes }) => ({ sha256: sha256(token), scopes }))),
    // Tests send many requests from one address; the rate limit has its own test with its own gateway.
    RATE_LIMIT_CAPACITY: '100000',
    RATE_LIMIT_REFILL_PER_SECOND: '10000',
    ...extra,
  });
}

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token refreshToken user { id } } }';

/** Operations through one gateway, optionally as a signed-in user, and sign-up of test users. */
export function gatewayClient(gatewayUrl: string) {
  const query = <T = any>(text: string, variables?: Record<string, unknown>, token?: string, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> =>
    postGraphQL<T>(gatewayUrl, text, variables, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
  const signUp = async (handle: string, displayName = handle): Promise<{ id: string; token: string; refreshToken: string }> => {
    const response = await query(SIGN_UP, { input: { handle, password: 'correct horse battery', displayName } });
    if (!response.body.data?.signUp) throw new Error(`signUp ${handle} failed: ${JSON.stringify(response.body.errors)}`);
    const { user, token, refreshToken } = response.body.data.signUp;
    return { id: user.id, token, refreshToken };
  };
  return { query, signUp };
}
