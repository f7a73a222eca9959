'use strict';
// Development only: a verified demo employer for trying the partner flow in
// Sandbox. A recruiter (`rosa`) administers "Demo Employer", which an operator
// (the development operator token) has verified; it holds a partner API key
// with candidates:search, jobs:read and applications:read, and two open jobs,
// one of which `ada` applied to. The key's secret is shown once by identity,
// so it is kept in `keyFile` (0600) and printed again on every `npm start`.
const fs = require('node:fs');
const { graphqlRequest, untilAccepted } = require('./graphqlRequest');

const RECRUITER = { handle: 'rosa', displayName: 'Rosa Recruiter' };
const ORGANIZATION = 'Demo Employer';
// candidates:search, jobs:read, applications:read
const KEY_SCOPES = ['CANDIDATES_SEARCH', 'JOBS_READ', 'APPLICATIONS_READ'];
const JOBS = [
  { title: 'Compiler engineer', description: 'Work on our query compiler.', skills: ['Compilers', 'Algorithms'], remote: true },
  { title: 'Applied mathematician', description: 'Model orbits and risks.', skills: ['Mathematics'], remote: false },
];

/**
 * Creates the demo partner when it is missing and returns its key. Refused
 * under NODE_ENV=production: a known organization with a key printed to a
 * terminal has no place there.
 * @param {string} gatewayUrl
 * @param {{ nodeEnv: string | undefined, operatorToken: string, password: string, keyFile: string }} options
 * @returns {Promise<{ apiKey: string, organizationId: string, recruiter: string, created: boolean }>}
 */
async function seedDemoPartner(gatewayUrl, { nodeEnv, operatorToken, password, keyFile }) {
  if (nodeEnv === 'production') throw new Error('the demo partner is for development only; it is never seeded with NODE_ENV=production');
  const request = (query, variables, headers) => graphqlRequest(gatewayUrl, query, variables, headers);

  const { userByHandle } = await request('query($h: String!) { userByHandle(handle: $h) { id } }', { h: RECRUITER.handle });
  const session = userByHandle
    ? (await request('mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: RECRUITER.handle, p: password })).signIn
    : (await request('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { ...RECRUITER, password } })).signUp;
  const recruiter = { authorization: `Bearer ${session.token}` };

  const { myOrganizations } = await request('query { myOrganizations { id name verified } }', {}, recruiter);
  let organization = myOrganizations.find((org) => org.name === ORGANIZATION);
  const created = !organization;
  if (!organization) {
    organization = (await request('mutation($name: String!) { createOrganization(input: { name: $name }) { id name verified } }', { name: ORGANIZATION }, recruiter)).createOrganization;
  }
  if (!organization.verified) {
    await request('mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: organization.id }, { 'x-operator-token': operatorToken });
  }

  let apiKey = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : '';
  const keyWorks =
    apiKey !== '' &&
    (await request('query { partnerOrganization { id } }', {}, { 'x-api-key': apiKey }).then(
      (data) => data.partnerOrganization?.id === organization.id,
      () => false,
    ));
  if (!keyWorks) {
    const input = { organizationId: organization.id, name: 'demo partner (npm start)', scopes: KEY_SCOPES };
    apiKey = (await request('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', { input }, recruiter)).createApiKey.secret;
    fs.writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
  }

  if (created) {
    const jobIds = [];
    for (const job of JOBS) {
      // hiring learns of the verification by event; until then postJob is refused.
      const { postJob } = await untilAccepted(
        () => request('mutation($input: PostJobInput!) { postJob(input: $input) { id } }', { input: { organizationId: organization.id, ...job } }, recruiter),
        `posting "${job.title}"`,
      );
      jobIds.push(postJob.id);
    }
    const ada = await request('mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: 'ada', p: password }).catch(() => undefined);
    if (ada) await request('mutation($id: ID!) { applyToJob(jobId: $id) { id } }', { id: jobIds[0] }, { authorization: `Bearer ${ada.signIn.token}` });
  }
  return { apiKey, organizationId: organization.id, recruiter: RECRUITER.handle, created };
}

module.exports = { seedDemoPartner, DEMO_PARTNER_SCOPES: KEY_SCOPES, DEMO_RECRUITER: RECRUITER.handle };
