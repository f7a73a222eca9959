import { createHash } from 'node:crypto';
import { AppError, type Viewer } from '@profile-graph/core';
import type { Counter } from 'prom-client';
import type { EnginePlugin } from '../engine/types';
import type { TrustedDocumentRegistry } from './trustedDocumentRegistry';

/** Refusals happen before parsing and planning; their status is the registry's (useRequestErrorStatus keeps it). */
const NOT_TRUSTED = { status: 403 };
const NOT_FOUND = { status: 400 };

/** The id a client sent instead of (or beside) the text: Apollo's APQ extension, or the `documentId` of Relay, Hive and GraphQL over HTTP. */
function documentIdOf(params: { extensions?: Record<string, unknown> | undefined } & Record<string, unknown>): string | undefined {
  const documentId = params['documentId'];
  if (typeof documentId === 'string') return documentId;
  const persisted = params.extensions?.['persistedQuery'] as { sha256Hash?: unknown } | undefined;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

export interface TrustedDocumentsOptions {
  registry: () => Promise<TrustedDocumentRegistry | undefined>;
  /** The viewer useAuthentication settled on for each request. */
  viewers: WeakMap<Request, Viewer>;
  /** partner_operations_total{organization, operation}: registered names only, so the labels stay bounded. */
  usage: Counter<'organization' | 'operation'>;
}

/**
 * Holds partner keys of organizations that switched enforcement on to their
 * registered operations: by id (the registered text replaces the request's)
 * or by exact text. Anything else is refused before it is parsed, so a leaked
 * key cannot be used to scrape with operations of its own. A registered id
 * also works for organizations that have not switched enforcement on. Users,
 * operators and services are not affected.
 */
export function useTrustedDocuments(options: TrustedDocumentsOptions): EnginePlugin {
  return {
    async onParams({ params, request, setParams }) {
      const viewer = options.viewers.get(request);
      if (viewer?.kind !== 'partner' || !viewer.orgId) return;
      const registry = await options.registry();
      // Without NATS no partner key is accepted at all (useAuthentication refuses it first).
      if (!registry) return;
      const documents = await registry.forOrganization(viewer.orgId);
      const id = documentIdOf(params as Parameters<typeof documentIdOf>[0]);
      if (id !== undefined) {
        const operation = documents.byId.get(id);
        if (!operation) {
          throw new AppError('PERSISTED_QUERY_NOT_FOUND', `No registered operation of your organization has the id "${id.slice(0, 128)}".`, { http: NOT_FOUND });
        }
        if (typeof params.query === 'string' && params.query !== '' && params.query !== operation.body) {
          throw new AppError('BAD_REQUEST', `The query text differs from the registered operation "${operation.name}"; send the id alone.`, { http: NOT_FOUND });
        }
        options.usage.inc({ organization: viewer.orgId, operation: operation.name });
        // documentId is not a GraphQL-over-HTTP parameter the engine accepts: it is replaced by the text it names.
        const { documentId: _documentId, ...rest } = params as typeof params & { documentId?: unknown };
        setParams({ ...rest, query: operation.body });
        return;
      }
      const text = typeof params.query === 'string' ? params.query : '';
      const operation = documents.byTextHash.size ? documents.byTextHash.get(createHash('sha256').update(text).digest('hex')) : undefined;
      if (operation) {
        options.usage.inc({ organization: viewer.orgId, operation: operation.name });
        return;
      }
      if (documents.enforced) {
        throw new AppError(
          'OPERATION_NOT_TRUSTED',
          "This API key's organization runs its registered operations only: send a registered operation's id (extensions.persistedQuery.sha256Hash or documentId) or its exact text.",
          { http: NOT_TRUSTED },
        );
      }
      options.usage.inc({ organization: viewer.orgId, operation: 'unregistered' });
    },
  };
}
