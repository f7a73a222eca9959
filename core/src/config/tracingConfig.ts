import { z } from 'zod';

/** Where finished spans go, decided once from the environment (the standard OpenTelemetry variables). */
export interface TracingOptions {
  exporter: 'none' | 'console' | 'otlp';
  /** `service.name` of this process's spans. */
  serviceName: string;
  /** OTLP over HTTP with protobuf bodies, the only OTLP transport this project ships. */
  otlp?: { url: string; headers: Record<string, string> };
}

const headerList = z
  .string()
  .transform((raw, ctx) => {
    const headers: Record<string, string> = {};
    for (const pair of raw.split(',').map((part) => part.trim()).filter(Boolean)) {
      const at = pair.indexOf('=');
      const name = at > 0 ? pair.slice(0, at).trim() : '';
      if (!/^[A-Za-z0-9-]+$/.test(name)) {
        ctx.addIssue({ code: 'custom', message: 'expected name=value pairs separated by commas (W3C Baggage form)' });
        return z.NEVER;
      }
      headers[name.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    }
    return headers;
  })
  .optional();

const protocol = z.literal('http/protobuf', { error: 'only http/protobuf is supported' }).optional();

/**
 * The OpenTelemetry variables every service reads (gateway and subgraphs
 * alike), validated with the rest of its configuration so a typo stops the
 * service at start instead of silently sending nothing.
 */
export const tracingConfigShape = {
  /** `none` (ids still propagate and logs carry trace ids), `console` (stdout, development) or `otlp`. */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'console', 'otlp'], { error: 'expected none, console or otlp' }).default('none'),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  /** Full URL of the traces endpoint; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  /** Base URL of the collector; `/v1/traces` is appended (default http://localhost:4318). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
  /** e.g. `authorization=Bearer%20abc` for a hosted collector; secrets, so usually given as *_FILE. */
  OTEL_EXPORTER_OTLP_HEADERS: headerList,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: headerList,
};

type TracingConfigValues = z.infer<z.ZodObject<typeof tracingConfigShape>>;

/** The tracing options of a service named `serviceName` (OTEL_SERVICE_NAME overrides it), from its validated configuration. */
export function tracingOptions(values: TracingConfigValues, serviceName: string): TracingOptions {
  const options: TracingOptions = { exporter: values.OTEL_TRACES_EXPORTER, serviceName: values.OTEL_SERVICE_NAME ?? serviceName };
  if (values.OTEL_TRACES_EXPORTER !== 'otlp') return options;
  const base = (values.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '');
  return {
    ...options,
    otlp: {
      url: values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`,
      headers: { ...values.OTEL_EXPORTER_OTLP_HEADERS, ...values.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    },
  };
}
