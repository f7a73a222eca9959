import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { SpanKind, acceptRequestId, extractTraceContext, runInRequestScope, tracer, type HookGuard } from '@profile-graph/core';
import type { GatewayMetrics } from './gatewayMetrics';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Wraps the engine's listener: one server span per request (continuing the
 * caller's trace when it sent a traceparent), one request id (the caller's
 * x-request-id when it is plain, else a fresh one; echoed in the response),
 * and the request's count and latency. Everything the engine does for the
 * request, subgraph calls and log lines included, runs inside that scope.
 * The finish hook runs inside an EventEmitter listener, where a throw is an
 * uncaught exception: `guard` contains it.
 */
export function observeRequest(metrics: GatewayMetrics, route: string, handle: (req: IncomingMessage, res: ServerResponse) => void, guard: HookGuard) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const parent = extractTraceContext(req.headers);
    const span = tracer('gateway').startSpan(`${req.method ?? 'GET'} ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.method': req.method ?? 'GET' } }, parent);
    const started = process.hrtime.bigint();
    let done = false;
    const finish = guard('http_request_finished', () => {
      if (done) return;
      done = true;
      span.setAttribute('http.status_code', res.statusCode);
      span.end();
      metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    res.once('finish', finish);
    res.once('close', finish);
    runInRequestScope({ requestId }, () => context.with(trace.setSpan(parent, span), () => handle(req, res)));
  };
}
