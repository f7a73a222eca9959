'use strict';
// Demo data for `npm start`: a handful of users with hiring profiles,
// consents and calls, created through the gateway like any client would.
const { graphqlRequest, untilAccepted } = require('./graphqlRequest');

const PASSWORD = 'demo-password-123';

const people = [
  { handle: 'ada', displayName: 'Ada Lovelace', headline: 'Analytical engine programmer', skills: ['Mathematics', 'Algorithms'], consents: ['EMPLOYER_SHARING', 'CANDIDATE_DISCOVERY', 'HIRING_RECOMMENDATIONS'] },
  { handle: 'grace', displayName: 'Grace Hopper', headline: 'Compiler pioneer', skills: ['COBOL', 'Compilers'], consents: ['CANDIDATE_DISCOVERY'] },
  { handle: 'alan', displayName: 'Alan Turing', headline: 'Computability and codes', skills: ['Cryptanalysis', 'Logic'], consents: [] },
  { handle: 'katherine', displayName: 'Katherine Johnson', headline: 'Orbital mechanics', skills: ['Mathematics', 'Navigation'], consents: ['EMPLOYER_SHARING'] },
  { handle: 'linus', displayName: 'Linus Example', headline: 'Kernel hacker', skills: ['C', 'Git'], consents: ['AD_PERSONALIZATION'] },
];

/** @param {string} gatewayUrl @returns {Promise<boolean>} true when it seeded, false when data was already there */
async function seedDemoData(gatewayUrl) {
  const existing = await graphqlRequest(gatewayUrl, 'query { userByHandle(handle: "ada") { id } }');
  if (existing.userByHandle) return false;
  const tokens = {};
  for (const person of people) {
    const { signUp } = await graphqlRequest(
      gatewayUrl,
      'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }',
      { input: { handle: person.handle, password: PASSWORD, displayName: person.displayName } },
    );
    const auth = { authorization: `Bearer ${signUp.token}` };
    tokens[person.handle] = auth;
    await graphqlRequest(
      gatewayUrl,
      'mutation($input: HiringProfileInput!) { updateHiringProfile(input: $input) { userId } }',
      { input: { headline: person.headline, skills: person.skills } },
      auth,
    );
    for (const purpose of person.consents) {
      await graphqlRequest(
        gatewayUrl,
        'mutation($input: GrantConsentInput!) { grantConsent(input: $input) { status } }',
        { input: { purpose, policyVersion: '2026-11' } },
        auth,
      );
    }
  }
  // Calls need the callee in the calls subgraph's user projection, which arrives by event.
  const calls = [['ada', 'grace', 'VIDEO'], ['alan', 'ada', 'AUDIO'], ['katherine', 'ada', 'AUDIO']];
  for (const [caller, callee, kind] of calls) {
    await untilAccepted(
      () => graphqlRequest(gatewayUrl, 'mutation($h: String!, $k: CallKind!) { startCall(calleeHandle: $h, kind: $k) { id } }', { h: callee, k: kind }, tokens[caller]),
      `calling ${callee}`,
      42,
    );
  }
  return true;
}

module.exports = { seedDemoData, demoPassword: PASSWORD, demoPeople: people };
