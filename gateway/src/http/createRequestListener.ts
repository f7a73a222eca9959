import type { IncomingMessage, ServerResponse } from 'node:http';
import { sandboxPage } from './sandboxPage';

export interface RequestListenerOptions {
  graphqlEndpoint: string;
  /** Serve Apollo Sandbox at `/`: development only, production has no landing page. */
  sandbox: boolean;
  isReady(): boolean;
  engine(req: IncomingMessage, res: ServerResponse): void;
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(head ? undefined : body);
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
    if (readOnly && path === '/' && page) {
      send(res, 200, 'text/html; charset=utf-8', page, req.method === 'HEAD');
      return;
    }
    options.engine(req, res);
  };
}
