import { AppError, errorRegistry } from '@profile-graph/core';

/**
 * A whole-request failure in the GraphQL response shape, with the registry's
 * HTTP status, for errors raised before any GraphQL execution (authentication).
 * `ResponseImpl` lets the engine pass its own fetch API's Response class.
 */
export function errorResponse(error: unknown, ResponseImpl: typeof Response = Response): Response {
  const known = error instanceof AppError ? error : new AppError('INTERNAL_SERVER_ERROR');
  const { httpStatus } = errorRegistry[known.code];
  const body = { errors: [{ message: known.message, extensions: { code: known.code } }] };
  return new ResponseImpl(JSON.stringify(body), {
    status: httpStatus,
    headers: {
      'content-type': 'application/graphql-response+json; charset=utf-8',
      ...(httpStatus === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    },
  });
}
