import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@profile-graph/kit/testing';
import { createGateway } from '../../src/createGateway';
import { startGraph, type TestGraph } from '../support/startGraph';
import { startHoldingProxy, type HoldingProxy } from '../support/startHoldingProxy';
import { gatewayClient, testGatewayConfig } from '../support/startSubgraphs';

const COMMITTED = join(__dirname, '../../../schema/supergraph.graphql');
const JOBS = '{ jobs { nodes { id } } }';
const JOBS_FIELD = /^ {2}"""\n {2}Open jobs.*\n {2}"""\n {2}jobs\(filter: JobFilter.*\n/m;

// Hot reload of the supergraph file: real gateway and subgraphs, the file
// rewritten under it as `npm run compose` would.
describe('supergraph hot reload', () => {
  let graph: TestGraph;
  let proxy: HoldingProxy;
  let file: string;
  let gateway: ReturnType<typeof createGateway>;
  let client: ReturnType<typeof gatewayClient>;
  let metricsUrl: URL;

  beforeAll(async () => {
    graph = await startGraph();
    // identity is reached through a hop that holds each call 1.5 s, so a request can be in flight across a reload.
    proxy = await startHoldingProxy(graph.subgraphUrls.identity, 1_500);
    file = join(mkdtempSync(join(tmpdir(), 'reload-')), 'supergraph.graphql');
    copyFileSync(COMMITTED, file);
    const config = testGatewayConfig(graph.env, { ...graph.subgraphUrls, identity: proxy.url });
    gateway = createGateway({ ...config, supergraphPath: file, supergraphWatch: true });
    const { url } = await gateway.listen(0);
    client = gatewayClient(url);
    metricsUrl = new URL('/metrics', url);
  });

  afterAll(async () => {
    await gateway?.close();
    await proxy?.close();
    await graph?.stop();
  });

  const reloads = async (outcome: 'ok' | 'failed') => {
    const text = await (await fetch(metricsUrl)).text();
    return Number(new RegExp(`^supergraph_reloads_total\\{outcome="${outcome}",service="gateway"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  it('serves the rewritten file within a second of the change, finishing requests in flight on the old one', async () => {
    expect((await client.query(JOBS)).body.errors).toBeUndefined();
    const alice = await client.signUp('reload_alice');
    // In flight: held at the identity hop while the file changes.
    const inFlight = client.query('{ me { handle } }', {}, alice.token);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const changedAt = Date.now();
    writeFileSync(file, readFileSync(COMMITTED, 'utf8').replace(JOBS_FIELD, ''));
    const tookMs = await eventually(async () => {
      const refused = await client.query(JOBS);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      return Date.now() - changedAt;
    }, 3_000);
    expect(tookMs).toBeLessThan(1_000);

    const finished = await inFlight;
    expect(finished.body).toEqual({ data: { me: { handle: 'reload_alice' } } });
    expect(await reloads('ok')).toBe(1);
  });

  it('keeps serving the previous supergraph when the new file does not parse, or does not plan, and says so', async () => {
    writeFileSync(file, 'type Query {');
    await eventually(async () => expect(await reloads('failed')).toBe(1), 3_000);
    // A parseable supergraph the planner refuses: a field of a type that does not exist.
    writeFileSync(file, `${readFileSync(COMMITTED, 'utf8')}\nextend type Query { broken: DoesNotExist @join__field(graph: HIRING) }\n`);
    await eventually(async () => expect(await reloads('failed')).toBe(2), 5_000);
    // One that declares consent-gated data the same for every viewer: refused before the engine sees it.
    writeFileSync(file, readFileSync(COMMITTED, 'utf8').replace(/(candidateProfile: HiringProfile @requiresConsent\([^)]*\))/, '$1 @viewerIndependent'));
    expect(readFileSync(file, 'utf8')).toMatch(/@requiresConsent\([^)]*\) @viewerIndependent/);
    await eventually(async () => expect(await reloads('failed')).toBe(3), 5_000);
    // Still the supergraph of the last good reload: jobs is gone, the rest answers.
    expect((await client.query(JOBS)).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await client.query('{ userByHandle(handle: "reload_alice") { handle } }')).body).toEqual({ data: { userByHandle: { handle: 'reload_alice' } } });
  });

  it('reloads on request (SIGHUP in main) as well', async () => {
    const watching = await reloads('ok');
    // Written with watching on, so either the watch or the call picks it up; the call reports the outcome.
    writeFileSync(file, readFileSync(COMMITTED, 'utf8'));
    expect(await gateway.reload()).toBe(true);
    expect((await client.query(JOBS)).body.errors).toBeUndefined();
    expect(await reloads('ok')).toBeGreaterThan(watching);
  });
});
