// S1: what a signed-in user's own profile screen asks for, touching all four
// subgraphs: identity (me), hiring (hiringProfile), consent (consents), calls (recentCalls).
export const PROFILE_SCREEN_QUERY = /* GraphQL */ `
  query ProfileScreen {
    me {
      id
      handle
      displayName
      phoneNumber
      hiringProfile {
        headline
        skills
        employmentHistory { employer title from to }
        educationHistory { institution degree from to }
        updatedAt
      }
      consents { purpose status policyVersion updatedAt }
      recentCalls(first: 5) {
        id
        kind
        status
        startedAt
        endedAt
        participants { id handle displayName }
      }
    }
  }
`;

/** Why a response is not a complete profile screen, or null when it is. @param {any} body */
export function profileScreenProblem(body) {
  if (body?.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
  const me = body?.data?.me;
  if (!me) return 'me is null';
  if (!me.hiringProfile) return 'hiringProfile is null';
  if (!Array.isArray(me.consents) || me.consents.length === 0) return 'consents missing';
  if (!Array.isArray(me.recentCalls)) return 'recentCalls missing';
  return null;
}
