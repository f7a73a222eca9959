import { startTestEnvironment, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { createGateway } from '../../src/createGateway';
import { gatewayClient, startSubgraphs, testGatewayConfig } from './startSubgraphs';
import type { TestGraph } from './startGraph';

/** One replica of the whole graph: an instance of every subgraph and a gateway routing to exactly those. */
export interface GraphInstance {
  gatewayUrl: string;
  subgraphs: TestGraph['subgraphs'];
  subgraphUrls: TestGraph['subgraphUrls'];
  query<T = any>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  signUp(handle: string, displayName?: string): Promise<{ id: string; token: string }>;
}

export interface GraphInstances {
  env: TestEnvironment;
  instances: GraphInstance[];
  stop(): Promise<void>;
}


/**
 * `count` replicas of the graph in-process, all against the same NATS and the
 * same database prefix (so the same databases), as in a scaled-out
 * deployment: each subgraph instance has its own connections, outbox relay,
 * consent projection, metrics registry and durable-consumer subscriptions;
 * gateway i routes only to instance i of each subgraph.
 */
export async function startInstances(count: number, extraEnv: Record<string, string> = {}): Promise<GraphInstances> {
  const env = await startTestEnvironment();
  const instances: GraphInstance[] = [];
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    // Gateways first, then subgraphs, newest first; then NATS.
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await env.stop();
  };
  try {
    for (let i = 0; i < count; i++) {
      const { subgraphs, subgraphUrls } = await startSubgraphs(env, extraEnv);
      closers.push(...Object.values(subgraphs).map((subgraph) => () => subgraph.close()));
      const gateway = createGateway(testGatewayConfig(env, subgraphUrls, extraEnv));
      const gatewayUrl = (await gateway.listen(0)).url;
      closers.push(() => gateway.close());
      const { query, signUp } = gatewayClient(gatewayUrl);
      instances.push({
        gatewayUrl,
        subgraphs,
        subgraphUrls,
        query,
        signUp,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, instances, stop };
}
