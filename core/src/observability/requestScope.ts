import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';

/** What every log line and every event published on behalf of a request should carry. */
export interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` as the current request (log lines and outbox entries pick it up). */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** A client-sent request id is kept only when it is short and plain, so it can neither flood nor forge log lines. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function acceptRequestId(value: string | string[] | undefined | null): string {
  const first = Array.isArray(value) ? value[0] : value;
  return first && REQUEST_ID.test(first) ? first : randomUUID();
}

/**
 * pino mixin: the request id and trace id of whatever request the current
 * async context belongs to, so every line can be joined to its request and trace.
 */
export function requestLogFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const scope = storage.getStore();
  if (scope) fields.requestId = scope.requestId;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && span.traceId !== '00000000000000000000000000000000') fields.traceId = span.traceId;
  return fields;
}
