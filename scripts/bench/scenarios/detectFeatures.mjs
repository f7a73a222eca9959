// Which scenarios the code under test can run yet. S2/S3/S6 need issue 6
// (candidate search, job recommendations; S6 counts commands per S2 request); S4 needs subgraphs that can run with
// consent enforcement off. A missing feature is a "not available yet" row in
// the results, never a made-up number.
import { Kind, parse } from 'graphql';
import { kit } from '../lib/repoRequire.mjs';

/** @param {string} supergraphSdl */
export function detectFeatures(supergraphSdl) {
  const queryFields = parse(supergraphSdl).definitions
    .filter((d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Query')
    .flatMap((d) => d.fields ?? []);
  const scopesOf = (field) =>
    field.directives
      ?.filter((directive) => directive.name.value === 'requiresScopes')
      .flatMap((directive) => JSON.stringify(directive.arguments?.map((arg) => arg.value) ?? []).match(/"value":"([^"]+)"/g) ?? []) ?? [];
  // Issue 6's partner search is the query gated by candidates:search (partnerOrganization only describes the caller).
  const candidateSearch = queryFields.find((field) => field.name.value !== 'partnerOrganization' && scopesOf(field).some((s) => s.includes('candidates:search')));
  // Job recommendations are a User field (owner-only), asked for as me { jobRecommendations }.
  const recommendations = parse(supergraphSdl).definitions
    .filter((d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && (d.name.value === 'Query' || d.name.value === 'User'))
    .flatMap((d) => d.fields ?? [])
    .find((field) => /recommend/i.test(field.name.value));
  const enforcementSwitch = 'CONSENT_ENFORCEMENT' in (kit().subgraphConfigSchema?.shape ?? {});
  return {
    S2: candidateSearch
      ? { available: true, field: candidateSearch.name.value }
      : { available: false, reason: 'not available yet: no partner candidate search (a Query field gated by candidates:search) in the supergraph (issue 6)' },
    S3: recommendations
      ? { available: true, field: recommendations.name.value }
      : { available: false, reason: 'not available yet: no job recommendations query in the supergraph (issue 6)' },
    S4: enforcementSwitch
      ? { available: true }
      : { available: false, reason: 'not available yet: subgraphs have no CONSENT_ENFORCEMENT setting (kit subgraphConfigSchema); S1 only would be measured, S2/S3 need issue 6' },
    S6: candidateSearch
      ? { available: true }
      : { available: false, reason: 'not available yet: needs S2 (issue 6)' },
  };
}
