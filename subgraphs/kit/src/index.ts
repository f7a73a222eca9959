// @profile-graph/kit: what a subgraph is built from (database, outbox and
// events, loaders, consent enforcement, privacy, the server), used by
// subgraphs only. A curated list: a name is here because a subgraph (or the
// bench, through the built kit) uses it; the rest stays internal.

// From @profile-graph/core, re-exported so a subgraph imports everything from the kit.
export {
  AppError,
  badInput,
  env,
  loadConfig,
  createLogger,
  createSessionSigner,
  generateKeyPairPem,
  type Viewer,
  API_KEY_RESOLVE_SUBJECT,
  API_KEY_USED_SUBJECT,
  type ApiKeyResolveReply,
  type ApiKeyResolveRequest,
  type ApiKeyUsedBatch,
  TRUSTED_DOCUMENTS_GET_SUBJECT,
  TRUSTED_DOCUMENTS_CHANGED_SUBJECT,
  TRUSTED_DOCUMENT_LIMITS,
  type TrustedDocumentsReply,
  type TrustedOperation,
  MAX_REVOCATION_TTL_MS,
  REVOCATIONS_STREAM,
  revocationSubject,
  ensureRevocationBucket,
  putRevocation,
  type RevocationKind,
  IDENTITY_SNAPSHOT_SUBJECTS,
  identitySnapshotRequestSchema,
  fetchIdentitySnapshot,
  startSnapshotBootstrap,
  type IdentitySnapshotRequest,
  type OrganizationSnapshot,
  type UserSnapshot,
  ERASURE_REQUESTED_SUBJECT,
  ERASURE_COMPLETED_SUBJECT,
  PRIVACY_SUBGRAPHS,
  type ExportItem,
  type ExportRecipient,
  type ExportSection,
} from '@profile-graph/core';

// The service: definition, config, main, request context.
export { createSubgraphService, type SubgraphDefinition, type SubgraphService } from './service/createSubgraphService';
export { runMain } from './service/runMain';
export { subgraphConfigSchema } from './config/subgraphConfigSchema';
export type { SubgraphContext } from './server/subgraphContext';
export { ServiceMetrics } from './observability/serviceMetrics';
export type { SubgraphResolvers } from './service/createSubgraphService';

// Viewer guards and keyset pagination, the same in every subgraph.
export { requireUser, requireOwner, requireService } from './auth/viewerGuards';
export {
  encodeCursor,
  decodeCursor,
  pageSize,
  newestFirstCursor,
  decodeNewestFirstCursor,
  newestFirstAfter,
  toConnection,
  type PageSizeRule,
  type ConnectionOptions,
  type KeysetConnection,
  type PageInfo,
} from './pagination/keysetPagination';

// Database: the storage seam (what the server can do, read once at connect) and the operations that ask it.
export { connectDatabase } from './db/connectDatabase';
export { pageByIds, type PageByIdsOptions } from './db/pageByIds';
export { updateAndRead } from './db/updateAndRead';
export { isDuplicateKeyError, duplicateKeyIndexOf } from './db/isDuplicateKeyError';
// The loaders every entity read goes through (CONTRIBUTING lists all four; loadByField and batchByField wait for their first subgraph).
export { loadById, loadByField, batchByField, batchGroupedByField } from './loaders/createLoaders';

// Events: the catalog (one typed definition per event type), envelope, streams, bus, dead letters, outbox.
export { identityEvents, hiringEvents, consentEvents, callsEvents, privacyEvents, type EventOf } from './events/catalog';
export { createEvent, type EventEnvelope } from './events/eventEnvelope';
export { STREAM_NAMES, type StreamName } from './events/streams';
export { EventBus, defineConsumer, type ConsumeOptions, type Delivery } from './events/eventBus';
// For the operator's listing (`npm run deadletters`, through the built kit).
export { listDeadLetters, type ListedDeadLetter } from './events/deadLetter';
export { OutboxRelay, outboxOnCreate, outboxOnUpdate, outboxSchemaFields } from './events/outbox';

// Consent.
export { consentPurposes, allConsentPurposes, isConsentPurpose, consentStateSubject, type ConsentPurpose, type Processor } from './consent/consentPurposes';
export { ConsentProjection, parseConsentSnapshot, type ConsentLookup, type ConsentSnapshot } from './consent/consentProjection';
export type { RecipientRelations } from './consent/decideConsent';
export { consentingSubjects, logListedSubjects } from './consent/consentFilter';
export { AccessLogRecorder, ACCESS_RECORDED_SUBJECT, type AccessLogEntry, type LegacyAccessLogEntry } from './consent/accessLogRecorder';
export type { RequestOrigin } from './consent/requestOrigin';

// Privacy: export, erasure, retention.
export { ExportResponder, requestExportSection } from './privacy/exportResponder';
export { erasureHandler } from './privacy/erasureHandler';
export { erasureGuard, type ErasureGuard } from './privacy/erasureGuard';
export { exportConsentProjection } from './privacy/consentProjectionRecords';
export { RetentionSweep, daysToMs, type RetentionPolicy } from './privacy/retentionSweep';
