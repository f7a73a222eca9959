import type { ServerResponse } from 'node:http';
import { type ErrorCode, errorRegistry } from '@profile-graph/core';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A whole-request failure in the GraphQL response shape, with the registry's HTTP status. */
export function sendError(res: ServerResponse, code: ErrorCode, message?: string, headers?: Record<string, string>): void {
  const entry = errorRegistry[code];
  sendJson(res, entry.httpStatus, { errors: [{ message: message ?? entry.message, extensions: { code } }] }, headers);
}
