// @profile-graph/core: what the gateway and the subgraphs share, and nothing
// that needs a database or a GraphQL server (no mongoose, no @apollo/subgraph).
// A curated list: a name is here because another package uses it.

// Errors: the one registry of codes clients see.
export { errorRegistry, isErrorCode, type ErrorCode } from './errors/errorRegistry';
export { AppError, appError, badInput } from './errors/appError';
export { createMaskError } from './errors/maskError';

// Config: every service reads its environment once, through zod.
export { ConfigError, loadConfig, env, withFileSecrets } from './config/loadConfig';
export { tracingConfigShape, tracingOptions, type TracingOptions } from './config/tracingConfig';

// The viewer: who is asking, signed by the gateway and verified by subgraphs.
export { viewerSchema, anonymousViewer, VIEWER_HEADER, viewerAudience, type Viewer } from './viewer/viewer';
export { createViewerSigner, type ViewerSigner } from './viewer/signViewer';
export { createViewerVerifier, type ViewerVerifier } from './viewer/verifyViewer';
export { createSessionSigner, createSessionVerifier, SESSION_ISSUER, SESSION_AUDIENCE, type SessionClaims } from './viewer/sessionToken';
export { generateKeyPairPem } from './viewer/generateViewerKeys';
export { authorizeField, isAuthenticated, type FieldRequirement } from './auth/authorizeField';
export { fieldRequirement } from './auth/fieldRequirement';

// Logging, tracing, metrics.
export { createLogger, type Logger } from './logging/createLogger';
export { runInRequestScope, currentRequestScope, acceptRequestId, requestLogFields, type RequestScope } from './observability/requestScope';
export { SpanKind, InMemorySpanExporter, initTracing, flushTracing, addSpanExporter, tracer, extractTraceContext, traceHeaders, withSpan } from './observability/tracing';
export { createHookGuard, type HookGuard } from './observability/guardHook';
export { BaseMetrics } from './observability/baseMetrics';

// Process guards: what every main() installs first.
export { hardenProcess, isProcessHardened } from './process/hardenProcess';
export { installProcessGuards, type ProcessGuardOptions } from './process/installProcessGuards';

// NATS: the connection and the request/reply protocols between services (each reply parsed with its zod schema).
export { connectNats, natsInboxPrefix, type NatsConnectOptions } from './nats/connectNats';
export {
  API_KEY_RESOLVE_SUBJECT,
  API_KEY_USED_SUBJECT,
  API_KEY_EVENTS_SUBJECT,
  SESSION_REVOKED_SUBJECT,
  apiKeyResolveReplySchema,
  type ApiKeyResolveRequest,
  type ApiKeyResolveReply,
  type ApiKeyUsedBatch,
} from './protocols/apiKeyProtocol';
export {
  TRUSTED_DOCUMENTS_GET_SUBJECT,
  TRUSTED_DOCUMENTS_CHANGED_SUBJECT,
  TRUSTED_DOCUMENT_LIMITS,
  trustedOperationSchema,
  trustedDocumentsReplySchema,
  trustedDocumentsChangedSchema,
  type TrustedDocumentsRequest,
  type TrustedDocumentsReply,
  type TrustedOperation,
} from './protocols/trustedDocumentsProtocol';
export {
  REVOCATIONS_BUCKET,
  REVOCATIONS_STREAM,
  REVOCATION_KINDS,
  MAX_REVOCATION_TTL_MS,
  revocationSubject,
  revocationEntrySchema,
  parseRevocationSubject,
  revocationBucketConfig,
  ensureRevocationBucket,
  putRevocation,
  type RevocationKind,
  type RevocationEntry,
} from './protocols/revocationProtocol';
export {
  IDENTITY_SNAPSHOT_SUBJECTS,
  IDENTITY_SNAPSHOT_PAGE_MAX,
  identitySnapshotRequestSchema,
  userSnapshotSchema,
  organizationSnapshotSchema,
  fetchIdentitySnapshot,
  startSnapshotBootstrap,
  type IdentitySnapshotKind,
  type IdentitySnapshotRequest,
  type IdentitySnapshotItems,
  type UserSnapshot,
  type OrganizationSnapshot,
  type SnapshotBootstrap,
} from './protocols/identitySnapshot';
export {
  privacyExportSubject,
  ERASURE_REQUESTED_SUBJECT,
  ERASURE_COMPLETED_SUBJECT,
  PRIVACY_SUBGRAPHS,
  EXPORT_RECIPIENT_KINDS,
  exportReplySchema,
  toJson,
  type PrivacySubgraph,
  type ExportRecipient,
  type ExportItem,
  type ExportSection,
  type ExportRequest,
  type ExportReply,
} from './protocols/privacyProtocol';
