import { join } from 'node:path';
import { createCalls, loadCallsConfig } from '@profile-graph/calls';
import { createConsent, loadConsentConfig } from '@profile-graph/consent';
import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { createIdentity, loadIdentityConfig } from '@profile-graph/identity';
import { postGraphQL, startTestEnvironment, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { createGateway } from '../../src/createGateway';
import { loadGatewayConfig } from '../../src/config/loadGatewayConfig';
import type { TestGraph } from './startGraph';

/** One replica of the whole graph: an instance of every subgraph and a gateway routing to exactly those. */
export interface GraphInstance {
  gatewayUrl: string;
  subgraphs: TestGraph['subgraphs'];
  subgraphUrls: TestGraph['subgraphUrls'];
  query<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  signUp(handle: string, displayName?: string): Promise<{ id: string; token: string }>;
}

export interface GraphInstances {
  env: TestEnvironment;
  instances: GraphInstance[];
  stop(): Promise<void>;
}

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }';

/**
 * `count` replicas of the graph in-process, all against the same NATS and the
 * same database prefix (so the same databases), as in a scaled-out
 * deployment: each subgraph instance has its own connections, outbox relay,
 * consent projection, metrics registry and durable-consumer subscriptions;
 * gateway i routes only to instance i of each subgraph.
 */
export async function startInstances(count: number, extraEnv: Record<string, string> = {}): Promise<GraphInstances> {
  const env = await startTestEnvironment();
  const source = env.subgraphEnv(extraEnv);
  const instances: GraphInstance[] = [];
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    // Gateways first, then subgraphs, newest first; then NATS.
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await env.stop();
  };
  try {
    for (let i = 0; i < count; i++) {
      const subgraphs = {
        identity: await createIdentity(loadIdentityConfig(source)),
        hiring: await createHiring(loadHiringConfig(source)),
        consent: await createConsent(loadConsentConfig(source)),
        calls: await createCalls(loadCallsConfig(source)),
      };
      closers.push(...Object.values(subgraphs).map((subgraph) => () => subgraph.close()));
      const subgraphUrls = {
        identity: (await subgraphs.identity.listen(0)).url,
        hiring: (await subgraphs.hiring.listen(0)).url,
        consent: (await subgraphs.consent.listen(0)).url,
        calls: (await subgraphs.calls.listen(0)).url,
      };
      const gateway = createGateway(
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
          RATE_LIMIT_CAPACITY: '100000',
          RATE_LIMIT_REFILL_PER_SECOND: '10000',
          ...extraEnv,
        }),
      );
      const gatewayUrl = (await gateway.listen(0)).url;
      closers.push(() => gateway.close());
      const query: GraphInstance['query'] = (text, variables, token) =>
        postGraphQL(gatewayUrl, text, variables, token ? { authorization: `Bearer ${token}` } : {});
      instances.push({
        gatewayUrl,
        subgraphs,
        subgraphUrls,
        query,
        signUp: async (handle, displayName = handle) => {
          const response = await query(SIGN_UP, { input: { handle, password: 'correct horse battery', displayName } });
          if (!response.body.data?.signUp) throw new Error(`signUp ${handle} failed: ${JSON.stringify(response.body.errors)}`);
          return { id: response.body.data.signUp.user.id, token: response.body.data.signUp.token };
        },
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, instances, stop };
}
