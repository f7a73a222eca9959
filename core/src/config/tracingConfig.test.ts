import { z } from 'zod';
import { tracingConfigShape, tracingOptions } from './tracingConfig';

const schema = z.object(tracingConfigShape);
const options = (env: Record<string, string>, service = 'hiring') => tracingOptions(schema.parse(env), service);

describe('tracing configuration from the OTEL_* variables', () => {
  it('exports nothing by default, and names the service', () => {
    expect(options({})).toEqual({ exporter: 'none', serviceName: 'hiring' });
    expect(options({ OTEL_SERVICE_NAME: 'hiring-eu-1' })).toEqual({ exporter: 'none', serviceName: 'hiring-eu-1' });
  });

  it('sends OTLP to the collector base URL + /v1/traces, or to the traces endpoint as given', () => {
    expect(options({ OTEL_TRACES_EXPORTER: 'otlp' }).otlp).toEqual({ url: 'http://localhost:4318/v1/traces', headers: {} });
    expect(options({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/' }).otlp?.url).toBe('https://otel.example.com/v1/traces');
    expect(
      options({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a.example.com', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b.example.com/custom' }).otlp?.url,
    ).toBe('https://b.example.com/custom');
  });

  it('reads headers as name=value pairs, the traces-specific ones winning', () => {
    const otlp = options({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc, x-tenant=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
    }).otlp;
    expect(otlp?.headers).toEqual({ authorization: 'Bearer abc', 'x-tenant': 'b' });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, 'OTEL_TRACES_EXPORTER', /none, console or otlp/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL', /only http\/protobuf/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /http\(s\) URL/],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign,=x' }, 'OTEL_EXPORTER_OTLP_HEADERS', /name=value/],
  ])('refuses %j, naming the variable', (env, variable, message) => {
    const result = schema.safeParse(env);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: [variable], message: expect.stringMatching(message) });
  });
});
