import { Events } from 'nats';
import { createIdentity, loadIdentityConfig } from '@profile-graph/identity';
import { EventBus, STREAM_NAMES, createLogger } from '@profile-graph/kit';
import { eventually, postGraphQL, startTestEnvironment, type NatsRole, type TestEnvironment } from '@profile-graph/kit/testing';
import { startNatsCluster } from '@profile-graph/dev-services';
import { createHiring, loadHiringConfig } from '../../src';

const SIGN_UPS = 120;
const KILL_AFTER = 40;
const CONCURRENCY = 4;

// Beyond one machine (issue 16): identity and hiring on a 3-node JetStream
// cluster on loopback (authenticated, routes too) with R3 streams. Under a
// steady stream of sign-ups the node both services are connected to (the
// only one they were given) is SIGKILLed; both must reconnect by themselves
// to the nodes they learnt from the cluster, and every sign-up must reach
// hiring exactly once in effect: one identity.v1.user.created per user on the
// stream, one hiring profile per user, nothing left pending.
describe('a 3-node NATS cluster losing a node under load', () => {
  let env: TestEnvironment;
  let cluster: Awaited<ReturnType<typeof startNatsCluster>>;
  let admin: EventBus;
  let identity: Awaited<ReturnType<typeof createIdentity>>;
  let hiring: Awaited<ReturnType<typeof createHiring>>;
  let identityUrl: string;

  beforeAll(async () => {
    env = await startTestEnvironment();
    cluster = await startNatsCluster({ size: 3 });
    // Until the cluster has elected its JetStream meta leader, JetStream requests time out: retry until they do not.
    admin = await eventually(
      () => EventBus.connect({ url: cluster.url, role: 'admin', nkeySeed: cluster.credentials.admin.seed, name: 'cluster-admin', timeoutMs: 2_000, logger: createLogger({ name: 'cluster', level: 'silent' }), streamReplicas: 3 }),
      30_000,
      250,
    );
    await eventually(() => admin.provisionStreams(STREAM_NAMES), 30_000, 250);
    // Both services are given the first node only, the one that will die: the others they learn from the cluster itself.
    const clusterEnv = (role: NatsRole) => ({ NATS_URL: cluster.nodes[0]!.url, NATS_NKEY_SEED: cluster.credentials[role].seed, JETSTREAM_REPLICAS: '3', OUTBOX_POLL_MS: '500' });
    identity = await createIdentity(loadIdentityConfig(env.subgraphEnv('identity', clusterEnv('identity'))));
    hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring', clusterEnv('hiring'))));
    identityUrl = (await identity.listen(0)).url;
    await hiring.listen(0);
  }, 60_000);

  afterAll(async () => {
    await hiring?.close();
    await identity?.close();
    await admin?.close();
    await cluster?.stop();
    await env?.stop();
  });

  it('loses and duplicates nothing, and every service reconnects by itself', async () => {
    const stream = await (await admin.nc.jetstreamManager()).streams.info('IDENTITY');
    expect(stream.config.num_replicas).toBe(3);
    const victim = cluster.nodes[0]!;
    const victimName = identity.bus.nc.info?.server_name;
    expect(victimName).toBe('n1');
    expect(hiring.bus.nc.info?.server_name).toBe('n1');

    // When each service is back after the kill.
    let killedAt = 0;
    const reconnectedAt: Record<string, number> = {};
    for (const [name, service] of [['identity', identity], ['hiring', hiring]] as const) {
      void (async () => {
        for await (const status of service.bus.nc.status()) if (status.type === Events.Reconnect && killedAt && !reconnectedAt[name]) reconnectedAt[name] = Date.now();
      })();
    }

    const headers = await env.viewerHeaders({ kind: 'anonymous', scopes: [] }, 'identity');
    const ids: string[] = [];
    let failed = 0;
    // What each failed sign-up answered, so a failure says why (status, code, message).
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < SIGN_UPS) {
        const i = next++;
        if (i === KILL_AFTER) {
          process.kill(victim.pid, 'SIGKILL');
          killedAt = Date.now();
        }
        const handle = `cluster_${i}`;
        const response = await postGraphQL(identityUrl, 'mutation($i: SignUpInput!) { signUp(input: $i) { user { id } } }', { i: { handle, password: 'correct horse battery', displayName: handle } }, headers);
        const id = response.body.data?.signUp?.user?.id as string | undefined;
        if (id) ids.push(id);
        else {
          failed += 1;
          const error = response.body.errors?.[0] as { message?: string; extensions?: { code?: string } } | undefined;
          failures.push(`#${i} ${Date.now() - killedAt} ms after the kill: HTTP ${response.status} ${error?.extensions?.code ?? ''} ${error?.message ?? ''}`);
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const loadMs = Date.now() - started;
    expect(failures).toEqual([]);
    expect(failed).toBe(0);
    expect(ids).toHaveLength(SIGN_UPS);

    await eventually(() => expect(reconnectedAt['identity']).toBeGreaterThan(0), 30_000);
    await eventually(() => expect(reconnectedAt['hiring']).toBeGreaterThan(0), 30_000);
    const profiles = await eventually(async () => {
      const count = await hiring.services.profiles.countDocuments({ _id: { $in: ids } });
      expect(count).toBe(SIGN_UPS);
      return count;
    }, 90_000, 250);
    const jsm = await admin.nc.jetstreamManager();
    // Right after a node is lost, a JetStream API request can time out while the stream's leader moves: retry it.
    const onStream = await eventually(
      async () => (await jsm.streams.info('IDENTITY', { subjects_filter: 'identity.v1.user.created' })).state.subjects?.['identity.v1.user.created'] ?? 0,
      30_000,
      250,
    );
    const durable = await eventually(async () => {
      const info = await jsm.consumers.info('IDENTITY', 'hiring-user-created');
      expect({ pending: info.num_pending, unacked: info.num_ack_pending }).toEqual({ pending: 0, unacked: 0 });
      return info;
    }, 60_000, 250);
    expect(onStream).toBe(SIGN_UPS);
    const figures = {
      signUps: SIGN_UPS,
      eventsOnStream: onStream,
      profilesCreated: profiles,
      lost: SIGN_UPS - profiles,
      duplicatedOnStream: onStream - SIGN_UPS,
      deliveredToHiring: durable.delivered.consumer_seq,
      killedNode: victimName,
      loadMs,
      identityReconnectMs: reconnectedAt['identity']! - killedAt,
      hiringReconnectMs: reconnectedAt['hiring']! - killedAt,
      reconnectedTo: { identity: identity.bus.nc.info?.server_name, hiring: hiring.bus.nc.info?.server_name },
    };
    process.stdout.write(`nats cluster figures: ${JSON.stringify(figures)}\n`);
    expect(figures.identityReconnectMs).toBeLessThan(15_000);
    expect(figures.hiringReconnectMs).toBeLessThan(15_000);
    expect(Object.values(figures.reconnectedTo)).not.toContain('n1');
  }, 240_000);
});
