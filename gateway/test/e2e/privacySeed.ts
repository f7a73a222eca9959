import { eventually } from '@profile-graph/kit/testing';
import type { Connection } from 'mongoose';
import type { TestGraph } from '../support/startGraph';
import { verifiedOrganization } from '../support/verifiedOrganization';

// Shared by the privacy e2e tests (issue 8): a user with data in every
// collection of every subgraph that mentions users, and a second user whose
// data overlaps (a call between them, applications to the same job, reads by
// the same employer), so tests can tell whose is whose.

export type SeededUser = { id: string; token: string; refreshToken: string; handle: string };

const GRANT = 'mutation($p: ConsentPurpose!) { grantConsent(input: { purpose: $p, policyVersion: "2026-01" }) { status } }';
const CREATE_PROFILE = 'mutation($input: HiringProfileInput!) { createHiringProfile(input: $input) { userId } }';
const POST_JOB = 'mutation($input: PostJobInput!) { postJob(input: $input) { id } }';
const APPLICATIONS = '{ applications(first: 50) { nodes { id candidateProfile { headline skills } } } }';

export interface PrivacyWorld {
  ada: SeededUser;
  bob: SeededUser;
  employer: SeededUser;
  acme: { orgId: string; jobId: string; readerKey: Record<string, string>; searchKey: Record<string, string> };
  adaOrg: { orgId: string; jobId: string };
  callId: string;
}

function ok<T = any>(response: { body: { data?: any; errors?: unknown[] } }, what: string): T {
  if (response.body.errors?.length) throw new Error(`${what} failed: ${JSON.stringify(response.body.errors)}`);
  return response.body.data as T;
}

async function signUp(graph: TestGraph, handle: string): Promise<SeededUser> {
  return { ...(await graph.signUp(handle)), handle };
}

async function grantEverywhere(graph: TestGraph, user: SeededUser, purpose: string) {
  ok(await graph.query(GRANT, { p: purpose }, user.token), `grant ${purpose}`);
  await eventually(() => {
    for (const subgraph of Object.values(graph.subgraphs)) if (!subgraph.consent.isGranted(user.id, purpose as never)) throw new Error(`${purpose} not yet everywhere`);
  });
}

/** Seeds the world; `prefix` keeps handles unique per test file. */
export async function seedPrivacyWorld(graph: TestGraph, prefix: string): Promise<PrivacyWorld> {
  const [ada, bob, employer] = [await signUp(graph, `${prefix}_ada`), await signUp(graph, `${prefix}_bob`), await signUp(graph, `${prefix}_boss`)];

  // Acme (the employer's) posts a job; Ada and Bob both apply, sharing their profiles.
  const acme = await verifiedOrganization(graph, 'Acme Hiring', employer);
  const jobId: string = ok(await graph.query(POST_JOB, { input: { organizationId: acme.orgId, title: 'Engineer', description: 'Build things', skills: ['rust'] } }, employer.token), 'postJob').postJob.id;
  // Ada runs an organization of her own: a membership, an API key and a job she posted.
  const adaOrganization = await verifiedOrganization(graph, 'Ada Labs', ada);
  await adaOrganization.key(['JOBS_READ']);
  const adaJobId: string = ok(await graph.query(POST_JOB, { input: { organizationId: adaOrganization.orgId, title: 'Analyst', description: 'Numbers' } }, ada.token), 'postJob').postJob.id;

  for (const [user, headline] of [
    [ada, 'Ada unique headline'],
    [bob, 'Bob unique headline'],
  ] as const) {
    ok(await graph.query(CREATE_PROFILE, { input: { headline, skills: ['rust', 'python'], openToWork: true, employmentHistory: [{ employer: `${user.handle} employer`, title: 'Dev' }] } }, user.token), 'profile');
    for (const purpose of ['EMPLOYER_SHARING', 'HIRING_RECOMMENDATIONS', 'AD_PERSONALIZATION', 'CANDIDATE_DISCOVERY']) await grantEverywhere(graph, user, purpose);
    ok(await graph.query('mutation($id: ID!) { applyToJob(jobId: $id) { id } }', { id: jobId }, user.token), 'apply');
    ok(await graph.query('mutation($id: ID!) { recordJobView(jobId: $id) { recorded } }', { id: jobId }, user.token), 'view');
    ok(await graph.query('mutation($p: String!) { setPhoneNumber(e164: $p) { id } }', { p: user === ada ? '+14155550101' : '+14155550102' }, user.token), 'phone');
  }
  // The employer reads both candidates' profiles: access log entries for each.
  const readerKey = await acme.key(['APPLICATIONS_READ']);
  const searchKey = await acme.key(['CANDIDATES_SEARCH']);
  const listed = ok(await graph.query(APPLICATIONS, {}, undefined, readerKey), 'applications');
  if (listed.applications.nodes.filter((node: any) => node.candidateProfile).length !== 2) throw new Error('employer did not see both profiles');

  // Calls: Ada calls Bob, Bob answers, Ada hangs up; Ada's settings block Bob and allow nobody else.
  await eventually(async () => {
    const known = await graph.subgraphs.calls.services.users.countDocuments({ _id: { $in: [ada.id, bob.id] } });
    if (known !== 2) throw new Error('calls does not know both users yet');
  });
  const callId: string = ok(await graph.query('mutation($h: String!) { startCall(calleeHandle: $h, kind: AUDIO) { id } }', { h: bob.handle }, ada.token), 'startCall').startCall.id;
  ok(await graph.query('mutation($id: ID!) { acceptCall(callId: $id) { status } }', { id: callId }, bob.token), 'acceptCall');
  ok(await graph.query('mutation($id: ID!) { endCall(callId: $id) { status } }', { id: callId }, ada.token), 'endCall');
  ok(await graph.query('mutation { setWhoCanCallMe(setting: VERIFIED_ONLY) { whoCanCall } }', {}, ada.token), 'whoCanCall');
  ok(await graph.query('mutation($id: ID!) { blockCaller(userId: $id) { whoCanCall } }', { id: bob.id }, ada.token), 'block');
  ok(await graph.query('mutation { setWhoCanCallMe(setting: EVERYONE) { whoCanCall } }', {}, bob.token), 'bob whoCanCall');
  // Verified callers come from identity's verification events (a flow with biometrics of its own); seeded directly here.
  const at = new Date();
  await graph.subgraphs.calls.services.verifications.create([
    { _id: ada.id, verified: true, eventAt: at },
    { _id: bob.id, verified: true, eventAt: at },
  ]);

  await settle(graph, [ada.id, bob.id]);
  return { ada, bob, employer, acme: { orgId: acme.orgId, jobId, readerKey, searchKey }, adaOrg: { orgId: adaOrganization.orgId, jobId: adaJobId }, callId };
}

/** Waits until the access log reached consent and every outbox is published. */
export async function settle(graph: TestGraph, userIds: string[]): Promise<void> {
  await Promise.all(Object.values(graph.subgraphs).map((subgraph) => subgraph.accessLog.flush()));
  await eventually(async () => {
    for (const userId of userIds) {
      if ((await graph.subgraphs.consent.services.accessLog.countDocuments({ subjectUserId: userId })) === 0) throw new Error('access log not yet stored');
    }
  });
  await Promise.all(Object.values(graph.subgraphs).map((subgraph) => subgraph.relay.flush()));
}

/** Every document of every collection of a subgraph's database that mentions `needle` (outside `_outbox`, which is transient). */
export async function collectionsMentioning(db: Connection, needle: string): Promise<Record<string, unknown[]>> {
  const found: Record<string, unknown[]> = {};
  for (const { name } of await db.db!.listCollections().toArray()) {
    const docs = await db.db!.collection(name).find({}).toArray();
    const hits = docs.filter((doc) => {
      const { _outbox, ...rest } = doc as Record<string, unknown>;
      return JSON.stringify(rest).includes(needle) || (Array.isArray(_outbox) && JSON.stringify(_outbox).includes(needle));
    });
    if (hits.length) found[name] = hits;
  }
  return found;
}
