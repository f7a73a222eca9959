import { GraphQLError } from 'graphql';
import { errorRegistry, type ErrorCode } from './errorRegistry';

/**
 * A GraphQL error whose message is safe to show to a client. Anything thrown
 * that is not an AppError is masked as INTERNAL_SERVER_ERROR by `maskError`.
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, extensions: Record<string, unknown> = {}, cause?: unknown) {
    super(message ?? errorRegistry[code].message, {
      extensions: { ...extensions, code },
      ...(cause instanceof Error ? { originalError: cause } : {}),
    });
    this.code = code;
  }
}

/** Builds a client-facing error from the registry. */
export function appError(code: ErrorCode, message?: string, extensions?: Record<string, unknown>): AppError {
  return new AppError(code, message, extensions);
}

/** BAD_USER_INPUT that names the offending field, as clients need to fix it. */
export function badInput(field: string, message: string): AppError {
  return new AppError('BAD_USER_INPUT', `${field}: ${message}`, { field });
}
