import { eventually } from '@profile-graph/kit/testing';
import type { ConsentPurpose } from '@profile-graph/kit';
import type { TestGraph } from './startGraph';
import { SERVICE_TOKENS } from './startSubgraphs';
import { verifiedOrganization } from './verifiedOrganization';

// The world the consent matrix and the randomized invariant run in, built
// through the real gateway: subjects, another user, two verified
// organizations (one the subjects apply to), their keys and members, and
// internal services with and without the purposes' scopes.

export const POLICY_VERSION = '2026-12';
export const GRANT = `mutation($p: ConsentPurpose!, $r: WrittenReleaseInput) { grantConsent(input: { purpose: $p, policyVersion: "${POLICY_VERSION}", writtenRelease: $r }) { status } }`;
export const WITHDRAW = 'mutation($p: ConsentPurpose!) { withdrawConsent(purpose: $p) { status } }';
export const APPLY = 'mutation($id: ID!) { applyToJob(jobId: $id) { id } }';
export const WITHDRAW_APPLICATION = 'mutation($id: ID!) { withdrawApplication(id: $id) { id withdrawnAt } }';

export type Person = { id: string; token: string };
export type Credentials = { token?: string; headers?: Record<string, string> };

export const VIEWERS = [
  'anonymous',
  'owner',
  'otherUser',
  'unrelatedPartner',
  'appliedPartner',
  'appliedPartnerWithoutScope',
  'appliedRecruiter',
  'searchPartner',
  'recommenderService',
  'adService',
  'trainerService',
  'serviceWithoutScope',
] as const;
export type ViewerName = (typeof VIEWERS)[number];

function ok<T = any>(response: { body: { data?: any; errors?: unknown[] } }, what: string): T {
  if (response.body.errors?.length || !response.body.data) throw new Error(`${what} failed: ${JSON.stringify(response.body.errors)}`);
  return response.body.data as T;
}

/** Grants or withdraws and waits until every subgraph's projection agrees. */
export async function setConsent(graph: TestGraph, person: Person, purpose: ConsentPurpose, granted: boolean) {
  const variables = { p: purpose, ...(purpose === 'BIOMETRIC_VERIFICATION' && granted ? { r: { signerName: 'Test Subject', signedAt: new Date().toISOString() } } : {}) };
  ok(await graph.query(granted ? GRANT : WITHDRAW, variables, person.token), `${granted ? 'grant' : 'withdraw'} ${purpose}`);
  await eventually(() => {
    for (const subgraph of Object.values(graph.subgraphs)) if (subgraph.consent.isGranted(person.id, purpose) !== granted) throw new Error(`${purpose} not yet ${granted}`);
  });
}

export async function buildConsentWorld(graph: TestGraph, prefix: string) {
  const signUp = (name: string) => graph.signUp(`${prefix}_${name}`);
  const otherUser = await signUp('other');
  const acmeAdmin = await signUp('acme_admin');
  const recruiter = await signUp('acme_recruiter');
  const globexAdmin = await signUp('globex_admin');
  const acme = await verifiedOrganization(graph, `${prefix} Acme`, acmeAdmin);
  const globex = await verifiedOrganization(graph, `${prefix} Globex`, globexAdmin);
  ok(
    await graph.query('mutation($org: ID!, $h: String!) { addOrganizationMember(organizationId: $org, handle: $h, role: RECRUITER) { role } }', { org: acme.orgId, h: `${prefix}_acme_recruiter` }, acmeAdmin.token),
    'addOrganizationMember',
  );
  await eventually(async () => {
    const projected = await graph.subgraphs.hiring.services.organizations.findById(acme.orgId).lean();
    if (!projected?.members?.some((member) => member.userId === recruiter.id && member.role === 'RECRUITER')) throw new Error('recruiter not yet in hiring');
  });
  const credentials: Record<ViewerName, Credentials | null> = {
    anonymous: {},
    owner: null, // the subject's own token, per subject
    otherUser: { token: otherUser.token },
    unrelatedPartner: { headers: await globex.key(['APPLICATIONS_READ', 'JOBS_READ']) },
    appliedPartner: { headers: await acme.key(['APPLICATIONS_READ']) },
    appliedPartnerWithoutScope: { headers: await acme.key(['JOBS_READ']) },
    appliedRecruiter: { token: recruiter.token },
    searchPartner: { headers: await globex.key(['CANDIDATES_SEARCH']) },
    recommenderService: { headers: { 'x-service-token': SERVICE_TOKENS.recommender.token } },
    adService: { headers: { 'x-service-token': SERVICE_TOKENS.adServer.token } },
    trainerService: { headers: { 'x-service-token': SERVICE_TOKENS.trainer.token } },
    serviceWithoutScope: { headers: { 'x-service-token': SERVICE_TOKENS.billing.token } },
  };
  const as = (viewer: ViewerName, subject: Person | null, query: string, variables: Record<string, unknown> = {}) => {
    const credential = viewer === 'owner' ? { token: subject!.token } : credentials[viewer]!;
    return graph.query(query, variables, credential.token, credential.headers);
  };

  /** A subject with a phone number, a hiring profile and (as an operator keeping templates would have) a biometric enrollment. */
  const subject = async (name: string): Promise<Person> => {
    const person = await signUp(name);
    ok(await graph.query('mutation { setPhoneNumber(e164: "+15551234567") { id } }', {}, person.token), 'setPhoneNumber');
    ok(
      await graph.query(
        'mutation($input: HiringProfileInput!) { createHiringProfile(input: $input) { userId } }',
        {
          input: {
            headline: `Subject ${name}`,
            skills: ['typescript'],
            employmentHistory: [{ employer: 'Analytical Engines', title: 'Programmer', from: '2020-01' }],
            preferences: { roles: ['programmer'], remote: true, seniority: ['SENIOR'] },
            openToWork: true,
          },
        },
        person.token,
      ),
      'createHiringProfile',
    );
    const now = new Date();
    await graph.subgraphs.identity.services.users.updateOne(
      { _id: person.id },
      { $set: { biometric: { enrollmentId: `enrollment-${name}`, enrolledAt: now, lastInteractionAt: now, retentionUntil: new Date(now.getTime() + 86_400_000), consentVersion: 1 } } },
    );
    return person;
  };
  return { acme, globex, otherUser, recruiter, as, subject };
}

export type ConsentWorld = Awaited<ReturnType<typeof buildConsentWorld>>;
