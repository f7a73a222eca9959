import { randomBytes } from 'node:crypto';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { startOtlpReceiver } from '../support/startOtlpReceiver';

// The batch processor's delay, read from the standard variable when the exporter is attached: short, so the test need not wait 5 s.
process.env['OTEL_BSP_SCHEDULE_DELAY'] = '100';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }';
const KIND = { server: 2, client: 3, producer: 4, consumer: 5 };

// OTLP export configured by the standard OTEL_* variables, to a receiver the
// test runs: one sign-up is one trace from the gateway through identity and
// its NATS event into hiring's consumer.
describe('OpenTelemetry traces over OTLP/HTTP (protobuf)', () => {
  let graph: TestGraph;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    graph = await startGraph({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
  });

  afterAll(async () => {
    await graph?.stop();
    await receiver?.close();
  });

  it('exports one trace spanning gateway, subgraph, NATS and consumer', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await graph.query(SIGN_UP, { input: { handle: 'otlp_ada', password: 'correct horse battery', displayName: 'Ada' } }, undefined, {
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    expect(response.body.errors).toBeUndefined();

    const inTrace = await eventually(() => {
      const found = receiver.spans.filter((span) => span.traceId === traceId);
      const has = (scope: string, kind: number, name: RegExp) => found.some((span) => span.scope === scope && span.kind === kind && name.test(span.name));
      expect(has('gateway', KIND.server, /^POST \/graphql$/)).toBe(true);
      expect(has('gateway', KIND.client, /^subgraph identity$/)).toBe(true);
      expect(has('identity', KIND.server, /^POST \/graphql identity$/)).toBe(true);
      expect(has('identity', KIND.producer, /^publish identity\.v1\.user/)).toBe(true);
      expect(has('hiring', KIND.consumer, /^consume hiring-user-created$/)).toBe(true);
      return found;
    }, 10_000);

    // Parent links hold the trace together: every span but the gateway's first has its parent among the exported ones or the caller's.
    const ids = new Set(inTrace.map((span) => span.spanId));
    const roots = inTrace.filter((span) => !ids.has(span.parentSpanId));
    expect(roots.map((span) => span.name)).toEqual(['POST /graphql']);
    expect(inTrace.every((span) => span.service.length > 0)).toBe(true);
    expect([...receiver.contentTypes]).toEqual(['application/x-protobuf']);
  });
});
