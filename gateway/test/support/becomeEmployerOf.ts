import { eventually, type GraphQLResponse } from '@profile-graph/kit/testing';
import { OPERATOR_TOKEN } from './startSubgraphs';

type Query = (query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>) => Promise<GraphQLResponse>;
type Person = { id: string; token: string };

/**
 * Makes `employer` the ADMIN of a verified organization that each of
 * `candidates` has applied to: the one relationship under which another
 * person receives EMPLOYER_SHARING data. Built through the gateway only.
 */
export async function becomeEmployerOf(query: Query, employer: Person, candidates: Person[], name = `Employer ${employer.id.slice(-6)}`): Promise<{ orgId: string; jobId: string }> {
  const must = (response: GraphQLResponse, what: string) => {
    if (response.body.errors?.length || !response.body.data) throw new Error(`${what}: ${JSON.stringify(response.body.errors)}`);
    return response.body.data;
  };
  const orgId: string = must(await query('mutation($name: String!) { createOrganization(input: { name: $name }) { id } }', { name }, employer.token), 'createOrganization').createOrganization.id;
  must(await query('mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: orgId }, undefined, { 'x-operator-token': OPERATOR_TOKEN }), 'verifyOrganization');
  // hiring learns of the organization and its verification from identity's events: posting works once it has.
  const jobId: string = await eventually(async () =>
    must(await query('mutation($input: PostJobInput!) { postJob(input: $input) { id } }', { input: { organizationId: orgId, title: 'Engineer', description: 'd' } }, employer.token), 'postJob').postJob.id,
  );
  for (const candidate of candidates) must(await query('mutation($id: ID!) { applyToJob(jobId: $id) { id } }', { id: jobId }, candidate.token), 'applyToJob');
  return { orgId, jobId };
}
