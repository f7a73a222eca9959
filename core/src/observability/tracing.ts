import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { TracingOptions } from '../config/tracingConfig';

export { SpanKind };
/** The kit's own SDK's in-memory exporter, for tests that assert on spans (addSpanExporter). */
export { InMemorySpanExporter };

/**
 * Span processors can be added after the provider is registered (tests attach
 * an in-memory exporter; main attaches the configured one), which the SDK's
 * own provider does not allow.
 */
class FanOutProcessor implements SpanProcessor {
  readonly processors = new Set<SpanProcessor>();
  onStart(span: Parameters<SpanProcessor['onStart']>[0], parent: Context): void {
    for (const processor of this.processors) processor.onStart(span, parent);
  }
  onEnd(span: ReadableSpan): void {
    for (const processor of this.processors) processor.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all([...this.processors].map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all([...this.processors].map((p) => p.shutdown()));
  }
}

let fanOut: FanOutProcessor | undefined;
/** Exporters already attached, so services sharing a process (tests) do not each add the same one. */
const attached = new Set<string>();

/**
 * Registers the process-wide tracer provider once: W3C trace context
 * (traceparent) propagation and async-hooks context, so a span started for a
 * request is the parent of everything done on its behalf. Without an exporter
 * spans still get real ids (so traceparent flows and logs carry trace ids),
 * they are just not sent anywhere. The first caller's service name becomes
 * the process's `service.name`.
 */
export function initTracing(options: Partial<TracingOptions> = {}): void {
  if (!fanOut) {
    fanOut = new FanOutProcessor();
    const contextManager = new AsyncLocalStorageContextManager();
    contextManager.enable();
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const resource = resourceFromAttributes({ 'service.name': options.serviceName ?? process.env['OTEL_SERVICE_NAME'] ?? 'profile-graph' });
    trace.setGlobalTracerProvider(new BasicTracerProvider({ resource, spanProcessors: [fanOut] }));
  }
  if (options.exporter === 'console' && !attached.has('console')) {
    attached.add('console');
    addSpanExporter(new ConsoleSpanExporter(), { batch: true });
  }
  if (options.exporter === 'otlp' && options.otlp && !attached.has(`otlp ${options.otlp.url}`)) {
    attached.add(`otlp ${options.otlp.url}`);
    // Batched: a request never waits on the collector, and a collector that is down costs dropped spans, not latency.
    addSpanExporter(new OTLPTraceExporter({ url: options.otlp.url, headers: options.otlp.headers }), { batch: true });
  }
}

/** Sends what is still buffered (at shutdown, so the last requests' spans are not lost). */
export async function flushTracing(): Promise<void> {
  await fanOut?.forceFlush().catch(() => undefined);
}

/** Sends finished spans to `exporter`; returns a function that detaches it. */
export function addSpanExporter(exporter: SpanExporter, options: { batch?: boolean } = {}): () => void {
  initTracing();
  const processor = options.batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter);
  fanOut!.processors.add(processor);
  return () => {
    fanOut!.processors.delete(processor);
    void processor.shutdown();
  };
}

export function tracer(service: string): Tracer {
  return trace.getTracer(service);
}

type Carrier = Record<string, string | string[] | undefined>;

/** The trace context a caller sent (traceparent/tracestate headers), or the active one when it sent none. */
export function extractTraceContext(carrier: Carrier): Context {
  return propagation.extract(context.active(), carrier, {
    get: (c, key) => c[key] ?? c[key.toLowerCase()],
    keys: (c) => Object.keys(c),
  });
}

/** traceparent (and tracestate) of the active span, ready to send as headers. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/**
 * Runs `fn` inside a new span (child of `parent`, else of the active span),
 * ending it when `fn` settles and marking it failed when `fn` throws.
 */
export async function withSpan<T>(
  service: string,
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number | boolean> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer(service).startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}
