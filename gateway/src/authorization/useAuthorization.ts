import { GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { AppError, anonymousViewer, errorRegistry, type Viewer } from '@profile-graph/core';
import type { EnginePlugin } from '../engine/types';
import { filterUnauthorizedFields, type FilteredOperation } from './filterUnauthorizedFields';
import { removePlaceholders, setNullAt } from './patchResponse';
import type { AuthRequirements } from './readAuthRequirements';

const DENIED_MESSAGE = 'You are not authorized to read this field: sign in, or use an API key with the scope it needs.';

/** Viewers that decide the same for every field share one filtered document. */
const authKey = (viewer: Viewer) => `${viewer.kind === 'anonymous' ? 'a' : 'x'}|${[...viewer.scopes].sort().join(' ')}`;

export interface AuthorizationOptions {
  /** The current supergraph's @authenticated / @requiresScopes requirements (they change on a reload). */
  requirements: () => AuthRequirements;
}

/**
 * Enforces `@authenticated` / `@requiresScopes` before the query is planned:
 * the document handed to the planner no longer contains what the viewer may
 * not read, so no subgraph is asked for it. Results are cached per parsed
 * document and authorization state (documents are cached by the engine, so
 * a repeated operation costs a map lookup).
 */
export function useAuthorization(options: AuthorizationOptions): EnginePlugin {
  let cache = new WeakMap<DocumentNode, Map<string, FilteredOperation>>();
  let cachedFor: AuthRequirements | undefined;
  return {
    onExecute({ args, setExecuteFn, executeFn, setResultAndStopExecution }) {
      const requirements = options.requirements();
      // A reloaded supergraph brings new requirements, while the engine may hand us the same parsed documents.
      if (requirements !== cachedFor) {
        cache = new WeakMap();
        cachedFor = requirements;
      }
      if (requirements.fields.size === 0 && requirements.types.size === 0) return;
      const viewer = (args.contextValue as { viewer?: Viewer } | undefined)?.viewer ?? anonymousViewer;
      const cacheKey = `${args.operationName ?? ''}|${authKey(viewer)}`;
      let perDocument = cache.get(args.document);
      if (!perDocument) cache.set(args.document, (perDocument = new Map()));
      let filtered = perDocument.get(cacheKey);
      if (!filtered) {
        filtered = filterUnauthorizedFields(args.schema, args.document, args.operationName, viewer, requirements, (args.variableValues ?? {}) as Record<string, unknown>);
        if (perDocument.size < 16 && !filtered.variableDependent) perDocument.set(cacheKey, filtered);
      }
      if (filtered.tooLarge) {
        setResultAndStopExecution({ errors: [new AppError('OPERATION_LIMIT_EXCEEDED', 'The operation expands to too many fields; use fewer fragments.')] });
        return;
      }
      if (filtered.denied.length === 0) return;
      const errors = filtered.denied.map(
        (path) => new GraphQLError(DENIED_MESSAGE, { path, extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' satisfies keyof typeof errorRegistry } }),
      );
      const result = filtered;
      if (!result.document) {
        setResultAndStopExecution({ data: null, errors });
        return;
      }
      const document = result.document;
      setExecuteFn(async (executeArgs) => {
        const executed = (await executeFn({ ...executeArgs, document })) as ExecutionResult;
        if (executed === null || typeof executed !== 'object' || Symbol.asyncIterator in executed) return executed;
        const data = executed.data as Record<string, unknown> | null | undefined;
        if (data) {
          removePlaceholders(data, result.placeholders);
          setNullAt(data, result.nulled);
        }
        return { ...executed, errors: [...errors, ...(executed.errors ?? [])] };
      });
    },
  };
}
