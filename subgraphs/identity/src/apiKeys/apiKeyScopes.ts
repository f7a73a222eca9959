import type { ApiKeyScope as SdlApiKeyScope } from '../generated/enums';

/** The fixed set of partner scopes: GraphQL enum value -> the scope string that @requiresScopes names. */
export const API_KEY_SCOPES = {
  JOBS_READ: 'jobs:read',
  JOBS_WRITE: 'jobs:write',
  APPLICATIONS_READ: 'applications:read',
  CANDIDATES_SEARCH: 'candidates:search',
} as const satisfies Record<SdlApiKeyScope, string>;

/** The SDL's ApiKeyScope (the table above has exactly its values). */
export type ApiKeyScopeName = SdlApiKeyScope;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[ApiKeyScopeName];

const BY_SCOPE = new Map(Object.entries(API_KEY_SCOPES).map(([name, scope]) => [scope as string, name as ApiKeyScopeName]));

export const scopeName = (scope: string): ApiKeyScopeName | undefined => BY_SCOPE.get(scope);
