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
  /** Signs up a user through the gateway and returns its id and access token. */
  signUp(handle: string, displayName?: string): Promise<{ id: string; token: string }>;
  stop(): Promise<void>;
}

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }';

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
  const gatewayConfig = loadGatewayConfig(['--supergraph', join(__dirname, '../../../schema/supergraph.graphql'), '--port', '0'], {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    VIEWER_PRIVATE_KEY: env.viewerKeys.privateKey,
    SESSION_PUBLIC_KEY: env.sessionKeys.publicKey,
    SUBGRAPH_IDENTITY_URL: subgraphUrls.identity,
    SUBGRAPH_HIRING_URL: subgraphUrls.hiring,
    SUBGRAPH_CONSENT_URL: subgraphUrls.consent,
    SUBGRAPH_CALLS_URL: subgraphUrls.calls,
    ...extraEnv,
  });
  const gateway = createGateway(gatewayConfig);
  const gatewayUrl = (await gateway.listen(0)).url;

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
      return { id: response.body.data.signUp.user.id, token: response.body.data.signUp.token };
    },
    stop: async () => {
      await gateway.close();
      await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.close()));
      await env.stop();
    },
  };
}
