/**
 * The one registry of client-facing error codes. Every error a client can see
 * carries one of these in `extensions.code`; `httpStatus` is used only when the
 * whole request fails (a field error keeps HTTP 200 with partial data).
 */
export const errorRegistry = {
  UNAUTHENTICATED: { httpStatus: 401, message: 'Sign in, or send a valid API key, to do this.' },
  FORBIDDEN: { httpStatus: 403, message: 'You are not allowed to do this.' },
  UNAUTHORIZED_FIELD_OR_TYPE: { httpStatus: 200, message: 'You are not authorized to read this field.' },
  CONSENT_REQUIRED: { httpStatus: 200, message: 'The data subject has not consented to this purpose.' },
  CONSENT_UNAVAILABLE: { httpStatus: 200, message: 'Consent state cannot be verified right now; try again shortly.' },
  BAD_USER_INPUT: { httpStatus: 400, message: 'The input is not valid.' },
  GRAPHQL_VALIDATION_FAILED: { httpStatus: 400, message: 'The operation is not valid against the schema.' },
  GRAPHQL_PARSE_FAILED: { httpStatus: 400, message: 'The operation could not be parsed.' },
  BAD_REQUEST: { httpStatus: 400, message: 'The request is malformed.' },
  NOT_FOUND: { httpStatus: 404, message: 'Not found.' },
  CONFLICT: { httpStatus: 409, message: 'This conflicts with existing data.' },
  RATE_LIMITED: { httpStatus: 429, message: 'Too many requests; retry later.' },
  OPERATION_LIMIT_EXCEEDED: { httpStatus: 400, message: 'The operation exceeds a limit.' },
  OPERATION_NOT_TRUSTED: { httpStatus: 403, message: "This API key's organization runs its registered operations only." },
  PERSISTED_QUERY_NOT_FOUND: { httpStatus: 400, message: 'No registered operation has this id.' },
  OPERATION_RESOLUTION_FAILURE: { httpStatus: 400, message: 'The request does not name one operation of its document.' },
  SERVICE_UNAVAILABLE: { httpStatus: 503, message: 'A dependency is unavailable; retry later.' },
  INTERNAL_SERVER_ERROR: { httpStatus: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { httpStatus: number; message: string }>;

export type ErrorCode = keyof typeof errorRegistry;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorRegistry, value);
}
