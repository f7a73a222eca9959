import { eventually } from '@profile-graph/kit/testing';
import type { TestGraph } from './startGraph';

type Person = { id: string; token: string };

const POST_JOB = 'mutation($input: PostJobInput!) { postJob(input: $input) { id } }';

function ok<T = any>(response: { body: { data?: any; errors?: unknown[] } }, what: string): T {
  if (response.body.errors?.length || !response.body.data) throw new Error(`${what} failed: ${JSON.stringify(response.body.errors)}`);
  return response.body.data as T;
}

/**
 * An organization `admin` creates and the operator verifies, once hiring's
 * projection knows it: with a key factory and a job poster.
 */
export async function verifiedOrganization(graph: TestGraph, name: string, admin: Person) {
  const orgId: string = ok(await graph.query('mutation($name: String!) { createOrganization(input: { name: $name }) { id } }', { name }, admin.token), 'createOrganization').createOrganization.id;
  ok(await graph.query('mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: orgId }, undefined, { 'x-operator-token': graph.operatorToken }), 'verifyOrganization');
  await eventually(async () => {
    const projected = await graph.subgraphs.hiring.services.organizations.findById(orgId).lean();
    if (!projected?.verified || !projected.members?.some((member) => member.userId === admin.id)) throw new Error('organization not yet in hiring');
  });
  const key = async (scopes: string[]) => {
    const created = ok(
      await graph.query('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', { input: { organizationId: orgId, name: `${name} ${scopes.join(' ')}`, scopes } }, admin.token),
      'createApiKey',
    );
    return { 'x-api-key': created.createApiKey.secret as string };
  };
  const postJob = async (title: string) =>
    ok(await graph.query(POST_JOB, { input: { organizationId: orgId, title, description: 'd', skills: ['typescript'], remote: true } }, admin.token), 'postJob').postJob.id as string;
  return { orgId, key, postJob };
}

