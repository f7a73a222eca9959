import { SpanKind, currentRequestScope, traceHeaders, withSpan, type HookGuard } from '@profile-graph/core';
import type { EnginePlugin } from '../engine/types';
import { isUpstreamTimeout } from '../engine/bufferedUpstreamCall';
import type { GatewayMetrics } from './gatewayMetrics';

type Fetch = (url: string, init: unknown, context: unknown, info: unknown) => Promise<Response>;

export interface ObservabilityOptions {
  metrics: GatewayMetrics;
  guard: HookGuard;
}

/**
 * Each subgraph call becomes a client span, child of the gateway's request
 * span; its traceparent and the request id go to the subgraph as headers, so
 * the subgraph's spans, logs and the events it publishes join the same trace.
 * Latency and failures are counted per subgraph. Runs after useSignedViewer,
 * so it adds to the headers that plugin settled on.
 */
export function useObservability(options: ObservabilityOptions): EnginePlugin {
  const { metrics, guard } = options;
  const countErrors = guard('graphql_errors_counted', (result: unknown) => {
    const results = Array.isArray(result) ? result : [result];
    for (const single of results) {
      const errors = (single as { errors?: { extensions?: { code?: unknown } }[] } | undefined)?.errors;
      if (Array.isArray(errors)) metrics.countErrors(errors);
    }
  });
  const countUpstreamError = guard('upstream_error_counted', (subgraph: string, code: string) => metrics.upstreamErrors.inc({ subgraph, code }));
  const observeUpstream = guard('upstream_duration_observed', (subgraph: string, seconds: number) => metrics.upstreamDuration.observe({ subgraph }, seconds));
  return {
    onFetch({ executionRequest, fetchFn, setFetchFn }) {
      const subgraph = executionRequest?.subgraphName;
      if (!subgraph || !fetchFn) return;
      const inner = fetchFn as unknown as Fetch;
      const wrapped: Fetch = (url, init, context, info) => {
        const started = process.hrtime.bigint();
        return withSpan('gateway', `subgraph ${subgraph}`, { kind: SpanKind.CLIENT, attributes: { 'graphql.subgraph': subgraph } }, async (span) => {
          const requestId = currentRequestScope()?.requestId;
          const base = (init ?? {}) as { headers?: Record<string, string> };
          const headers = { ...base.headers, ...traceHeaders(), ...(requestId ? { 'x-request-id': requestId } : {}) };
          try {
            const response = await inner(url, { ...base, headers }, context, info);
            span.setAttribute('http.status_code', response.status);
            if (response.status >= 500) countUpstreamError(subgraph, `HTTP_${response.status}`);
            return response;
          } catch (error) {
            const signal = (init as { signal?: AbortSignal } | undefined)?.signal;
            if (isUpstreamTimeout(error) || signal?.aborted) {
              // The upstream deadline (bufferedUpstreamCall): GATEWAY_TIMEOUT with the subgraph's name (see createGatewayMaskError).
              countUpstreamError(subgraph, 'TIMEOUT');
              throw error;
            }
            // Unreachable (refused, reset, DNS): the runtime would report the socket error without the
            // subgraph's name, so answer for the subgraph the way a subgraph that is up but unable would.
            countUpstreamError(subgraph, 'UNREACHABLE');
            return unavailableResponse(subgraph);
          } finally {
            observeUpstream(subgraph, Number(process.hrtime.bigint() - started) / 1e9);
          }
        });
      };
      setFetchFn(wrapped as never);
    },
    onResultProcess({ result }) {
      countErrors(result);
    },
  };
}

/** A GraphQL response naming the subgraph that could not be reached, so the client learns which part is missing. */
export function unavailableResponse(subgraph: string): Response {
  const body = {
    data: null,
    errors: [{ message: `The ${subgraph} service is unavailable; retry shortly.`, extensions: { code: 'SERVICE_UNAVAILABLE', service: subgraph } }],
  };
  return new Response(JSON.stringify(body), { status: 503, headers: { 'content-type': 'application/json' } });
}
