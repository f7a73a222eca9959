import { randomUUID } from 'node:crypto';
import type { Viewer } from '@profile-graph/kit';
import { postGraphQL, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';

/** Acme's key: it searches candidates, and reads the profiles of those with a standing application to Acme (see standingApplication). */
export const partner: Viewer = { kind: 'partner', orgId: 'acme', keyId: 'key-acme-1', scopes: ['candidates:search', 'applications:read'] };

/**
 * An application of `candidateId` to an Acme job, written straight into
 * hiring's database: EMPLOYER_SHARING reaches an organization only while such
 * an application stands.
 */
export async function standingApplication(hiring: { services: { applications: { create(doc: object): Promise<unknown> } } }, candidateId: string, organizationId = 'acme') {
  await hiring.services.applications.create({ _id: `job-${organizationId}:${candidateId}`, jobId: `job-${organizationId}`, organizationId, candidateId, employerSharingConsentVersion: null });
}
export const userViewer = (userId: string): Viewer => ({ kind: 'user', userId, scopes: [] });

export const HIRING_PROFILE_QUERY = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on User { hiringProfile { userId skills employmentHistory { employer title } educationHistory { institution } } }
    }
  }
`;

/** Calls a subgraph directly as `viewer`, with the origin headers the gateway forwards. */
export async function asViewer(env: TestEnvironment, url: string, subgraph: string, viewer: Viewer, query: string, variables?: Record<string, unknown>, extra: Record<string, string> = {}) {
  return postGraphQL(url, query, variables, { ...(await env.viewerHeaders(viewer, subgraph)), ...extra });
}

export function hiringProfileOf(env: TestEnvironment, hiringUrl: string, viewer: Viewer, userId: string) {
  return asViewer(env, hiringUrl, 'hiring', viewer, HIRING_PROFILE_QUERY, { r: [{ __typename: 'User', id: userId }] });
}

export const errorCodes = (response: GraphQLResponse) => (response.body.errors ?? []).map((error) => error.extensions?.code);

/** `origin` is what the gateway would sign into the viewer: client id, client address, user agent. */
export async function decide(
  env: TestEnvironment,
  consentUrl: string,
  userId: string,
  purpose: string,
  grant: boolean,
  origin: Pick<Viewer, 'clientId' | 'clientIp' | 'userAgent'> = {},
) {
  const viewer = { ...userViewer(userId), ...origin };
  const response = grant
    ? await asViewer(env, consentUrl, 'consent', viewer, 'mutation($i: GrantConsentInput!) { grantConsent(input: $i) { status } }', { i: { purpose, policyVersion: '2026-01', jurisdiction: 'de' } })
    : await asViewer(env, consentUrl, 'consent', viewer, 'mutation($p: ConsentPurpose!) { withdrawConsent(purpose: $p) { status } }', { p: purpose });
  if (response.body.errors) throw new Error(`consent decision failed: ${JSON.stringify(response.body.errors)}`);
  return response;
}

export const newUserId = () => `u-${randomUUID()}`;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
