import type { IncomingMessage, ServerResponse } from 'node:http';
import { sandboxPage } from './sandboxPage';

export interface RequestListenerOptions {
  graphqlEndpoint: string;
  /** Serve Apollo Sandbox at `/`: development only, production has no landing page. */
  sandbox: boolean;
  isReady(): boolean;
  /** Larger request bodies are refused with 413 before a byte of them is read. */
  maxBodyBytes?: number;
  engine(req: IncomingMessage, res: ServerResponse): void;
  /** Prometheus text for GET /metrics; absent: no metrics endpoint. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Whether this request may read /metrics (the scraper's bearer token); absent: anyone may. */
  metricsAllowed?: (req: IncomingMessage) => boolean;
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(head ? undefined : body);
}

/**
 * The engine buffers whole bodies, so their size is checked first. A body
 * without Content-Length (chunked) cannot be measured before it is read;
 * GraphQL clients always send the length, so such bodies are refused.
 */
function bodyRefusal(req: IncomingMessage, max: number): { status: number; code: string; message: string } | undefined {
  const declared = req.headers['content-length'];
  if (declared === undefined) {
    return { status: 411, code: 'BAD_REQUEST', message: 'Send the request body with a Content-Length header.' };
  }
  if (!/^\d+$/.test(declared)) return { status: 400, code: 'BAD_REQUEST', message: 'The Content-Length header is not a number.' };
  if (Number(declared) > max) {
    return { status: 413, code: 'OPERATION_LIMIT_EXCEEDED', message: `The request body exceeds ${max} bytes; send a smaller operation or fewer variables.` };
  }
  return undefined;
}

/**
 * Health and Sandbox are answered here, ahead of the engine: a probe must
 * work before the supergraph has loaded (and report that it has not), and
 * neither needs GraphQL machinery or authentication.
 */
export function createRequestListener(options: RequestListenerOptions) {
  const page = options.sandbox ? sandboxPage(options.graphqlEndpoint) : undefined;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (readOnly && (path === '/health' || path === '/ready')) {
      const ready = options.isReady();
      send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ok' : 'loading' }), req.method === 'HEAD');
      return;
    }
    if (readOnly && path === '/metrics' && options.metrics) {
      if (options.metricsAllowed && !options.metricsAllowed(req)) {
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        send(res, 401, 'text/plain', 'Send the metrics token as Authorization: Bearer <token>.', req.method === 'HEAD');
        return;
      }
      options.metrics().then(
        ({ contentType, body }) => send(res, 200, contentType, body, req.method === 'HEAD'),
        () => send(res, 500, 'text/plain', 'metrics unavailable', false),
      );
      return;
    }
    if (readOnly && path === '/' && page) {
      send(res, 200, 'text/html; charset=utf-8', page, req.method === 'HEAD');
      return;
    }
    if (path === options.graphqlEndpoint && options.maxBodyBytes !== undefined && !readOnly && req.method !== 'OPTIONS') {
      const refusal = bodyRefusal(req, options.maxBodyBytes);
      if (refusal) {
        res.setHeader('connection', 'close');
        send(res, refusal.status, 'application/graphql-response+json; charset=utf-8', JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] }), false);
        return;
      }
    }
    options.engine(req, res);
  };
}
