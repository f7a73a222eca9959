import { startTestEnvironment, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { createGateway } from '../../src/createGateway';
import { OPERATOR_TOKEN, gatewayClient, startSubgraphs, testGatewayConfig, type SubgraphUrls, type TestSubgraphs } from './startSubgraphs';

export interface TestGraph {
  env: TestEnvironment;
  gatewayUrl: string;
  subgraphs: TestSubgraphs;
  subgraphUrls: SubgraphUrls;
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


/**
 * The whole graph in-process for end-to-end tests: the four real subgraphs on
 * port 0 against the test environment's NATS and MongoDB-wire server, and the
 * gateway over the committed schema/supergraph.graphql with its subgraph URLs
 * pointed at them.
 */
export async function startGraph(extraEnv: Record<string, string> = {}): Promise<TestGraph> {
  const env = await startTestEnvironment();
  const { subgraphs, subgraphUrls } = await startSubgraphs(env, extraEnv);
  const gatewayEnv = (extra: Record<string, string>) => testGatewayConfig(env, subgraphUrls, { ...extraEnv, ...extra });
  const gateway = createGateway(gatewayEnv({}));
  const gatewayUrl = (await gateway.listen(0)).url;
  const extraGateways: ReturnType<typeof createGateway>[] = [];

  const { query, signUp } = gatewayClient(gatewayUrl);

  return {
    env,
    gatewayUrl,
    subgraphs,
    subgraphUrls,
    query,
    signUp,
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
