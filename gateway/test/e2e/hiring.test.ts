import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { SERVICE_TOKENS } from '../support/startSubgraphs';

// Issue 6 end to end: real identity, hiring and consent subgraphs, real NATS,
// the real gateway; users sign in with tokens, employers use partner API keys.

const GRANT = 'mutation($p: ConsentPurpose!) { grantConsent(input: { purpose: $p, policyVersion: "2026-01" }) { status } }';
const WITHDRAW = 'mutation($p: ConsentPurpose!) { withdrawConsent(purpose: $p) { status } }';
const CREATE_PROFILE = `mutation($input: HiringProfileInput!) { createHiringProfile(input: $input) {
  userId headline skills openToWork
  employmentHistory { employer title from to description }
  educationHistory { institution degree field from to }
  preferences { roles locations remote seniority }
} }`;
const POST_JOB = 'mutation($input: PostJobInput!) { postJob(input: $input) { id title organizationId organizationName skills status remote seniority } }';
const APPLY = 'mutation($id: ID!) { applyToJob(jobId: $id) { id employerSharingConsentVersion job { id } } }';
const APPLICATIONS = `query($jobId: ID) { applications(jobId: $jobId) {
  nodes { id candidateId employerSharingConsentVersion job { id title } candidate { handle } candidateProfile { headline skills employmentHistory { employer } } }
  pageInfo { hasNextPage endCursor }
} }`;
const CANDIDATES = `query($filter: CandidateFilter, $first: Int, $after: String) { candidates(filter: $filter, first: $first, after: $after) {
  nodes { userId headline user { handle } }
  pageInfo { hasNextPage endCursor }
} }`;

type User = { id: string; token: string };

describe('hiring through the gateway', () => {
  let graph: TestGraph;
  const hiring = () => graph.subgraphs.hiring;

  beforeAll(async () => {
    graph = await startGraph();
  });

  afterAll(async () => {
    await graph?.stop();
  });

  const codes = (body: { errors?: { path?: unknown; extensions?: Record<string, unknown> }[] }) =>
    (body.errors ?? []).map((error) => [error.path, error.extensions?.code]);

  async function setConsent(user: User, purpose: string, granted: boolean) {
    const response = await graph.query(granted ? GRANT : WITHDRAW, { p: purpose }, user.token);
    expect(response.body.errors).toBeUndefined();
    await eventually(() => {
      if (hiring().consent.isGranted(user.id, purpose as never) !== granted) throw new Error(`${purpose} not yet ${granted ? 'granted' : 'withdrawn'} in hiring`);
    });
  }

  /** A verified organization with its ADMIN, as hiring's projection knows it, and a key factory. */
  async function verifiedOrganization(name: string, admin: User) {
    const created = await graph.query('mutation($name: String!) { createOrganization(input: { name: $name }) { id } }', { name }, admin.token);
    const orgId: string = created.body.data.createOrganization.id;
    const verified = await graph.query('mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: orgId }, undefined, { 'x-operator-token': graph.operatorToken });
    expect(verified.body).toEqual({ data: { verifyOrganization: { verified: true } } });
    await eventually(async () => {
      const projected = await hiring().services.organizations.findById(orgId).lean();
      if (!projected?.verified || !projected.members?.some((member) => member.userId === admin.id)) throw new Error('organization not yet projected into hiring');
    });
    const key = async (scopes: string[]) => {
      const response = await graph.query(
        'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
        { input: { organizationId: orgId, name: `key ${scopes.join(' ')}`, scopes } },
        admin.token,
      );
      expect(response.body.errors).toBeUndefined();
      return { 'x-api-key': response.body.data.createApiKey.secret as string };
    };
    return { orgId, key };
  }

  describe('profiles', () => {
    it('lets the owner create, update and delete a full profile, with normalized skills and validation naming the field', async () => {
      const ada = await graph.signUp('prof_ada');
      const created = await graph.query(
        CREATE_PROFILE,
        {
          input: {
            headline: ' Analyst ',
            skills: ['JS', 'TypeScript', 'typescript', 'K8s'],
            employmentHistory: [{ employer: 'Analytical Engines', title: 'Programmer', from: '2020-01', description: 'Notes on the engine' }],
            educationHistory: [{ institution: 'Home', degree: 'None', field: 'Mathematics', from: '2010-09', to: '2014-06' }],
            preferences: { roles: ['Programmer'], locations: ['London'], remote: true, seniority: ['SENIOR'] },
            openToWork: true,
          },
        },
        ada.token,
      );
      expect(created.body.errors).toBeUndefined();
      expect(created.body.data.createHiringProfile).toEqual({
        userId: ada.id,
        headline: 'Analyst',
        skills: ['javascript', 'typescript', 'kubernetes'],
        openToWork: true,
        employmentHistory: [{ employer: 'Analytical Engines', title: 'Programmer', from: '2020-01', to: null, description: 'Notes on the engine' }],
        educationHistory: [{ institution: 'Home', degree: 'None', field: 'Mathematics', from: '2010-09', to: '2014-06' }],
        preferences: { roles: ['programmer'], locations: ['london'], remote: true, seniority: ['SENIOR'] },
      });

      // The issue-2 contract still works: partial update, omitted fields stay.
      const updated = await graph.query('mutation { updateHiringProfile(input: { headline: "Poet" }) { headline skills openToWork } }', {}, ada.token);
      expect(updated.body.data.updateHiringProfile).toEqual({ headline: 'Poet', skills: ['javascript', 'typescript', 'kubernetes'], openToWork: true });

      const bad = await graph.query(CREATE_PROFILE, { input: { employmentHistory: [{ employer: 'X', title: 'Y', from: '2020-01', to: '2019-01' }] } }, ada.token);
      expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.employmentHistory[0].to' });
      expect((await hiring().services.profiles.findById(ada.id).lean())?.headline).toBe('Poet');

      const asPartnerless = await graph.query('mutation { deleteHiringProfile }', {});
      expect(asPartnerless.body.errors?.[0]?.extensions?.code).toMatch(/UNAUTHORIZED_FIELD_OR_TYPE|UNAUTHENTICATED/);
      const deleted = await graph.query('mutation { deleteHiringProfile }', {}, ada.token);
      expect(deleted.body.data).toEqual({ deleteHiringProfile: true });
      const after = await graph.query('{ me { hiringProfile { headline } } }', {}, ada.token);
      expect(after.body.data).toEqual({ me: { hiringProfile: null } });
    });
  });

  describe('jobs, applications, activity and recommendations', () => {
    let admin: User;
    let acme: Awaited<ReturnType<typeof verifiedOrganization>>;
    let globex: Awaited<ReturnType<typeof verifiedOrganization>>;
    let acmeJob: string;
    let globexJob: string;

    beforeAll(async () => {
      admin = await graph.signUp('acme_boss');
      acme = await verifiedOrganization('Acme', admin);
      globex = await verifiedOrganization('Globex', await graph.signUp('globex_boss'));
    });

    it('posts jobs as a member of a verified organization or as its key with jobs:write, and no one else', async () => {
      const job = { title: 'Backend Engineer', description: 'GraphQL APIs', location: 'Berlin', remote: true, skills: ['TS', 'GraphQL'], seniority: 'SENIOR' };
      const byMember = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, ...job } }, admin.token);
      expect(byMember.body.errors).toBeUndefined();
      expect(byMember.body.data.postJob).toMatchObject({ organizationId: acme.orgId, organizationName: 'Acme', skills: ['typescript', 'graphql'], status: 'OPEN' });
      acmeJob = byMember.body.data.postJob.id;

      const byKey = await graph.query(POST_JOB, { input: { organizationId: globex.orgId, ...job, title: 'Frontend Engineer', skills: ['react'], remote: false } }, undefined, await globex.key(['JOBS_WRITE']));
      expect(byKey.body.errors).toBeUndefined();
      globexJob = byKey.body.data.postJob.id;

      const outsider = await graph.signUp('job_outsider');
      const notMember = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, ...job } }, outsider.token);
      expect(notMember.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const readOnlyKey = await graph.query(POST_JOB, { input: { organizationId: globex.orgId, ...job } }, undefined, await globex.key(['JOBS_READ']));
      expect(readOnlyKey.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const otherOrgsKey = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, ...job } }, undefined, await globex.key(['JOBS_WRITE']));
      expect(otherOrgsKey.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const anonymous = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, ...job } });
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

      // An organization nobody verified cannot post, even by its own ADMIN.
      const unverified = await graph.query('mutation { createOrganization(input: { name: "Initech" }) { id } }', {}, outsider.token);
      const initech = unverified.body.data.createOrganization.id;
      await eventually(async () => {
        if (!(await hiring().services.organizations.findById(initech).lean())) throw new Error('not projected yet');
      });
      const byUnverified = await graph.query(POST_JOB, { input: { organizationId: initech, ...job } }, outsider.token);
      expect(byUnverified.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      // A member identity adds may post; once identity removes them, they may not.
      const recruiter = await graph.signUp('acme_recruiter');
      await graph.query('mutation($org: ID!) { addOrganizationMember(organizationId: $org, handle: "acme_recruiter", role: RECRUITER) { role } }', { org: acme.orgId }, admin.token);
      const isMember = async () => !!(await hiring().services.organizations.findById(acme.orgId).lean())?.members?.some((member) => member.userId === recruiter.id);
      await eventually(async () => {
        if (!(await isMember())) throw new Error('member not yet projected');
      });
      const asMember = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, ...job, title: 'Recruited' } }, recruiter.token);
      expect(asMember.body.errors).toBeUndefined();
      await hiring().services.jobs.deleteOne({ _id: asMember.body.data.postJob.id });
      const removed = await graph.query('mutation($org: ID!, $user: ID!) { removeOrganizationMember(organizationId: $org, userId: $user) { id } }', { org: acme.orgId, user: recruiter.id }, admin.token);
      expect(removed.body.errors).toBeUndefined();
      await eventually(async () => {
        if (await isMember()) throw new Error('removal not yet projected');
      });
      const afterRemoval = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, ...job, title: 'After removal' } }, recruiter.token);
      expect(afterRemoval.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const invalid = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, ...job, title: ' ' } }, admin.token);
      expect(invalid.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
      expect(await hiring().services.jobs.countDocuments({})).toBe(2);
    });

    it('searches open jobs publicly with filters and stable, capped cursor pages', async () => {
      for (let i = 0; i < 7; i += 1) {
        const posted = await graph.query(POST_JOB, { input: { organizationId: acme.orgId, title: `Data Role ${i}`, description: 'd', skills: ['python'], location: i % 2 ? 'Paris' : 'Berlin' } }, admin.token);
        expect(posted.body.errors).toBeUndefined();
      }
      const JOBS = 'query($filter: JobFilter, $first: Int, $after: String) { jobs(filter: $filter, first: $first, after: $after) { nodes { id title } pageInfo { hasNextPage endCursor } } }';
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = await graph.query(JOBS, { filter: { skills: ['Python'] }, first: 3, after });
        expect(page.body.errors).toBeUndefined();
        seen.push(...page.body.data.jobs.nodes.map((node: { title: string }) => node.title));
        after = page.body.data.jobs.pageInfo.endCursor;
        if (!page.body.data.jobs.pageInfo.hasNextPage) break;
      }
      expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `Data Role ${i}`));
      const berlin = await graph.query(JOBS, { filter: { location: 'berl', skills: ['python'] } });
      expect(berlin.body.data.jobs.nodes.map((node: { title: string }) => node.title)).toEqual(['Data Role 6', 'Data Role 4', 'Data Role 2', 'Data Role 0']);
      const remote = await graph.query(JOBS, { filter: { remote: true, title: 'ENGINEER' } });
      expect(remote.body.data.jobs.nodes).toEqual([{ id: acmeJob, title: 'Backend Engineer' }]);
      const capped = await graph.query(JOBS, { first: 1000 });
      expect(capped.body.data.jobs.nodes).toHaveLength(9);
      const tampered = await graph.query(JOBS, { after: 'not-a-cursor' });
      expect(tampered.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      // Closing a job takes it out of the default search.
      const DATA0 = seen[6];
      const data0 = (await graph.query(JOBS, { filter: { title: DATA0 } })).body.data.jobs.nodes[0].id;
      const closed = await graph.query('mutation($id: ID!) { updateJob(id: $id, input: { status: CLOSED }) { status } }', { id: data0 }, admin.token);
      expect(closed.body.data.updateJob.status).toBe('CLOSED');
      expect((await graph.query(JOBS, { filter: { title: DATA0 } })).body.data.jobs.nodes).toEqual([]);
      expect((await graph.query(JOBS, { filter: { title: DATA0, status: 'CLOSED' } })).body.data.jobs.nodes).toEqual([{ id: data0, title: DATA0 }]);
      const foreign = await graph.query('mutation($id: ID!) { updateJob(id: $id, input: { status: OPEN }) { status } }', { id: data0 }, undefined, await globex.key(['JOBS_WRITE']));
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('records job-search activity only under HIRING_RECOMMENDATIONS; the owner lists and clears it; withdrawal deletes it within 1 s', async () => {
      const grace = await graph.signUp('act_grace');
      const view = 'mutation($id: ID!) { recordJobView(jobId: $id) { recorded } }';
      expect((await graph.query(view, { id: acmeJob }, grace.token)).body.data.recordJobView).toEqual({ recorded: false });
      expect(await hiring().services.activity.countDocuments({ userId: grace.id })).toBe(0);

      await setConsent(grace, 'HIRING_RECOMMENDATIONS', true);
      expect((await graph.query(view, { id: acmeJob }, grace.token)).body.data.recordJobView).toEqual({ recorded: true });
      expect((await graph.query('mutation($id: ID!) { saveJob(jobId: $id) { recorded } }', { id: globexJob }, grace.token)).body.data.saveJob).toEqual({ recorded: true });
      const ACTIVITY = '{ me { jobSearchActivity { nodes { kind job { title } } } } }';
      const listed = await graph.query(ACTIVITY, {}, grace.token);
      expect(listed.body.data.me.jobSearchActivity.nodes).toEqual([
        { kind: 'SAVE', job: { title: 'Frontend Engineer' } },
        { kind: 'VIEW', job: { title: 'Backend Engineer' } },
      ]);
      // Nobody else reads it, not even through the User entity.
      const other = await graph.signUp('act_snoop');
      const snooped = await graph.query('query($id: ID!) { user(id: $id) { jobSearchActivity { nodes { kind } } } }', { id: grace.id }, other.token);
      expect(snooped.body.data.user.jobSearchActivity).toBeNull();
      expect(codes(snooped.body)).toEqual([[['user', 'jobSearchActivity'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);

      expect((await graph.query('mutation { clearJobSearchActivity }', {}, grace.token)).body.data).toEqual({ clearJobSearchActivity: 2 });
      expect((await graph.query(ACTIVITY, {}, grace.token)).body.data.me.jobSearchActivity.nodes).toEqual([]);

      await graph.query(view, { id: acmeJob }, grace.token);
      await graph.query(view, { id: globexJob }, grace.token);
      expect(await hiring().services.activity.countDocuments({ userId: grace.id })).toBe(2);
      const withdrawn = await graph.query(WITHDRAW, { p: 'HIRING_RECOMMENDATIONS' }, grace.token);
      expect(withdrawn.body.errors).toBeUndefined();
      const started = Date.now();
      await eventually(async () => {
        if ((await hiring().services.activity.countDocuments({ userId: grace.id })) !== 0) throw new Error('activity still kept');
      }, 1_000, 20);
      expect(Date.now() - started).toBeLessThan(1_000);
      await eventually(() => {
        if (hiring().consent.isGranted(grace.id, 'HIRING_RECOMMENDATIONS')) throw new Error('still granted in hiring');
      });
      expect((await graph.query(view, { id: acmeJob }, grace.token)).body.data.recordJobView).toEqual({ recorded: false });
    });

    it('shares the applicant profile with the employer only under EMPLOYER_SHARING, and only with the job\'s own organization', async () => {
      const alan = await graph.signUp('app_alan', 'Alan');
      await graph.query(CREATE_PROFILE, { input: { headline: 'Codebreaker', skills: ['typescript'], employmentHistory: [{ employer: 'Bletchley', title: 'Cryptanalyst' }] } }, alan.token);
      await setConsent(alan, 'EMPLOYER_SHARING', true);
      const applied = await graph.query(APPLY, { id: acmeJob }, alan.token);
      expect(applied.body.errors).toBeUndefined();
      const version = hiring().consent.states.get(alan.id, 'EMPLOYER_SHARING')!.version;
      expect(applied.body.data.applyToJob).toMatchObject({ employerSharingConsentVersion: version, job: { id: acmeJob } });
      expect((await graph.query(APPLY, { id: acmeJob }, alan.token)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');

      const katherine = await graph.signUp('app_katherine', 'Katherine');
      await graph.query(CREATE_PROFILE, { input: { headline: 'Navigator', skills: ['fortran'] } }, katherine.token);
      const withoutSharing = await graph.query(APPLY, { id: acmeJob }, katherine.token);
      expect(withoutSharing.body.data.applyToJob.employerSharingConsentVersion).toBeNull();

      const acmeReader = await acme.key(['APPLICATIONS_READ']);
      const listed = await graph.query(APPLICATIONS, { jobId: acmeJob }, undefined, acmeReader);
      const byHandle = Object.fromEntries(listed.body.data.applications.nodes.map((node: any) => [node.candidate.handle, node]));
      expect(byHandle.app_alan).toMatchObject({
        candidateId: alan.id,
        employerSharingConsentVersion: version,
        job: { id: acmeJob, title: 'Backend Engineer' },
        candidateProfile: { headline: 'Codebreaker', skills: ['typescript'], employmentHistory: [{ employer: 'Bletchley' }] },
      });
      expect(byHandle.app_katherine.candidateProfile).toBeNull();
      expect(codes(listed.body)).toEqual([[['applications', 'nodes', expect.any(Number), 'candidateProfile'], 'CONSENT_REQUIRED']]);

      // A later withdrawal hides the profile from that employer again.
      await setConsent(alan, 'EMPLOYER_SHARING', false);
      const afterWithdrawal = await graph.query(APPLICATIONS, { jobId: acmeJob }, undefined, acmeReader);
      expect(afterWithdrawal.body.data.applications.nodes.every((node: any) => node.candidateProfile === null)).toBe(true);
      expect(codes(afterWithdrawal.body).map(([, code]) => code)).toEqual(['CONSENT_REQUIRED', 'CONSENT_REQUIRED']);

      // Another organization's key: the job looks missing, and its own listing holds none of Acme's applications.
      const globexReader = await globex.key(['APPLICATIONS_READ']);
      const foreign = await graph.query(APPLICATIONS, { jobId: acmeJob }, undefined, globexReader);
      expect(foreign.body.data?.applications ?? null).toBeNull();
      expect(codes(foreign.body)).toEqual([[['applications'], 'NOT_FOUND']]);
      const own = await graph.query(APPLICATIONS, {}, undefined, globexReader);
      expect(own.body.data.applications.nodes).toEqual([]);
      // A key without applications:read, and a person, see nothing.
      const noScope = await graph.query(APPLICATIONS, {}, undefined, await acme.key(['JOBS_READ']));
      expect(codes(noScope.body)).toEqual([[['applications'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
      const asAdmin = await graph.query(APPLICATIONS, {}, admin.token);
      expect(codes(asAdmin.body)).toEqual([[['applications'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
      // The candidate sees their own applications.
      const mine = await graph.query('{ me { jobApplications { nodes { job { id } } } } }', {}, alan.token);
      expect(mine.body.data.me.jobApplications.nodes).toEqual([{ job: { id: acmeJob } }]);
    });

    it('recommends jobs under HIRING_RECOMMENDATIONS only (binding the owner too), each with its reasons', async () => {
      const linus = await graph.signUp('rec_linus');
      await graph.query(
        CREATE_PROFILE,
        { input: { skills: ['TypeScript', 'graphql'], preferences: { roles: ['backend'], remote: true, seniority: ['SENIOR'] } } },
        linus.token,
      );
      const RECS = '{ me { id jobRecommendations(first: 5) { job { id title } score matchedSkills matchedPreferences activitySignals } } }';
      const denied = await graph.query(RECS, {}, linus.token);
      expect(denied.body.data.me.jobRecommendations).toBeNull();
      expect(denied.body.errors?.[0]).toMatchObject({ path: ['me', 'jobRecommendations'], extensions: { code: 'CONSENT_REQUIRED', purpose: 'HIRING_RECOMMENDATIONS' } });

      await setConsent(linus, 'HIRING_RECOMMENDATIONS', true);
      await graph.query('mutation($id: ID!) { saveJob(jobId: $id) { recorded } }', { id: globexJob }, linus.token);
      const granted = await graph.query(RECS, {}, linus.token);
      expect(granted.body.errors).toBeUndefined();
      const [best, ...rest] = granted.body.data.me.jobRecommendations;
      expect(best).toMatchObject({
        job: { id: acmeJob, title: 'Backend Engineer' },
        matchedSkills: ['typescript', 'graphql'],
        matchedPreferences: ['role: backend', 'remote', 'seniority: SENIOR'],
      });
      expect(rest).toContainEqual(expect.objectContaining({ job: { id: globexJob, title: 'Frontend Engineer' }, activitySignals: ['you saved this job'] }));

      // Another user cannot read them even though the subject consented.
      const other = await graph.signUp('rec_other');
      const snooped = await graph.query('query($id: ID!) { user(id: $id) { jobRecommendations { score } } }', { id: linus.id }, other.token);
      expect(codes(snooped.body)).toEqual([[['user', 'jobRecommendations'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
    });
  });

  describe('candidate search', () => {
    it('finds only CANDIDATE_DISCOVERY subjects, filters and pages them, needs candidates:search, and drops a withdrawal within 1 s', async () => {
      const boss = await graph.signUp('search_boss');
      const org = await verifiedOrganization('Searchers', boss);
      const searchKey = await org.key(['CANDIDATES_SEARCH']);
      const people: User[] = [];
      for (let i = 0; i < 5; i += 1) {
        const person = await graph.signUp(`cand_${i}`);
        people.push(person);
        await graph.query(
          CREATE_PROFILE,
          {
            input: {
              headline: i === 0 ? 'Staff Platform Engineer' : `Person ${i}`,
              skills: ['Rust', ...(i % 2 ? ['go'] : [])],
              employmentHistory: [{ employer: 'Co', title: i === 3 ? 'Site Reliability Engineer' : 'Developer' }],
              preferences: { locations: [i < 2 ? 'Lisbon' : 'Oslo'], seniority: [i === 4 ? 'LEAD' : 'MID'] },
            },
          },
          person.token,
        );
        // cand_2 never consents: it must never appear.
        if (i !== 2) await setConsent(person, 'CANDIDATE_DISCOVERY', true);
      }
      const search = (variables: Record<string, unknown>, headers: Record<string, string> = searchKey) => graph.query(CANDIDATES, variables, undefined, headers);
      const handles = (response: any) => response.body.data.candidates.nodes.map((node: any) => node.user.handle).sort();

      const all = await search({ filter: { skills: ['RUST'] }, first: 50 });
      expect(all.body.errors).toBeUndefined();
      expect(handles(all)).toEqual(['cand_0', 'cand_1', 'cand_3', 'cand_4']);
      expect(handles(await search({ filter: { skills: ['rust', 'golang'] } }))).toEqual(['cand_1', 'cand_3']);
      expect(handles(await search({ filter: { title: 'engineer' } }))).toEqual(['cand_0', 'cand_3']);
      expect(handles(await search({ filter: { location: 'LISBON' } }))).toEqual(['cand_0', 'cand_1']);
      expect(handles(await search({ filter: { seniority: 'LEAD' } }))).toEqual(['cand_4']);

      // Pages in a stable order, no repeats, no gaps.
      const paged: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = await search({ filter: { skills: ['rust'] }, first: 3, after });
        paged.push(...page.body.data.candidates.nodes.map((node: any) => node.userId));
        after = page.body.data.candidates.pageInfo.endCursor;
        if (!page.body.data.candidates.pageInfo.hasNextPage) break;
      }
      expect(paged).toEqual(all.body.data.candidates.nodes.map((node: any) => node.userId));
      expect([...paged].sort()).toEqual(paged);

      // The card is all there is: full history is not on it, and a filter can only name card fields.
      const history = await graph.query('{ candidates(first: 1) { nodes { userId employmentHistory { employer } } } }', {}, undefined, searchKey);
      expect(history.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const nonCardFilter = await search({ filter: { skills: ['rust'], employmentHistory: { employer: 'Co' } } });
      expect(nonCardFilter.status).toBe(400);
      expect(nonCardFilter.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(nonCardFilter.body.errors?.[0]?.message).toMatch(/employmentHistory/);
      // `title` matches the headline and the current title only: cand_3's past job does not make them findable.
      const past = await graph.query(
        'mutation($input: HiringProfileInput!) { updateHiringProfile(input: $input) { userId } }',
        { input: { employmentHistory: [{ employer: 'Now', title: 'Gardener', from: '2024-01' }, { employer: 'Co', title: 'Site Reliability Engineer', from: '2020-01', to: '2023-12' }] } },
        people[3]!.token,
      );
      expect(past.body.errors).toBeUndefined();
      expect(handles(await search({ filter: { title: 'reliability' } }))).toEqual([]);
      expect(handles(await search({ filter: { title: 'gardener' } }))).toEqual(['cand_3']);
      const cards = await graph.query('{ candidates(filter: { title: "gardener" }) { nodes { headline skills seniority locations remote currentTitle } } }', {}, undefined, searchKey);
      expect(cards.body).toEqual({ data: { candidates: { nodes: [{ headline: 'Person 3', skills: ['rust', 'go'], seniority: ['MID'], locations: ['oslo'], remote: null, currentTitle: 'Gardener' }] } } });

      // Without candidates:search: refused at the field, for keys and people alike.
      const wrongKey = await search({ filter: { skills: ['rust'] } }, await org.key(['JOBS_READ']));
      expect(wrongKey.body.data).toBeNull();
      expect(codes(wrongKey.body)).toEqual([[['candidates'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
      const asPerson = await graph.query(CANDIDATES, {}, people[0]!.token);
      expect(codes(asPerson.body)).toEqual([[['candidates'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);

      // Withdrawing CANDIDATE_DISCOVERY: gone from results within 1 second.
      const withdrawn = await graph.query(WITHDRAW, { p: 'CANDIDATE_DISCOVERY' }, people[1]!.token);
      expect(withdrawn.body.errors).toBeUndefined();
      const started = Date.now();
      await eventually(async () => {
        const found = handles(await search({ filter: { skills: ['rust'] }, first: 50 }));
        if (found.includes('cand_1')) throw new Error('still found');
        expect(found).toEqual(['cand_0', 'cand_3', 'cand_4']);
      }, 1_000, 20);
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });

  describe('advertising', () => {
    it('shows adInterests only to a service with ads:personalization, and only for AD_PERSONALIZATION subjects', async () => {
      const ad = await graph.signUp('ads_user');
      const none = await graph.signUp('ads_none');
      for (const person of [ad, none]) {
        await graph.query(CREATE_PROFILE, { input: { skills: ['python', 'k8s'], openToWork: true, preferences: { remote: true } } }, person.token);
      }
      await setConsent(ad, 'AD_PERSONALIZATION', true);
      const ADS = 'query($id: ID!) { user(id: $id) { handle adInterests } }';
      const adServer = { 'x-service-token': SERVICE_TOKENS.adServer.token };
      const served = await graph.query(ADS, { id: ad.id }, undefined, adServer);
      expect(served.body).toEqual({
        data: { user: { handle: 'ads_user', adInterests: ['career:job-seeker', 'career:remote-work', 'interest:cloud-infrastructure', 'interest:data-and-ai'] } },
      });
      const refused = await graph.query(ADS, { id: none.id }, undefined, adServer);
      expect(refused.body.data.user.adInterests).toBeNull();
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', purpose: 'AD_PERSONALIZATION' });
      // A service without the scope (the operator) is outside the recipients: refused whatever the consent.
      const operator = await graph.query(ADS, { id: ad.id }, undefined, { 'x-operator-token': graph.operatorToken });
      expect(codes(operator.body)).toEqual([[['user', 'adInterests'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
      // Not for the user themself, nor for partners, even with consent.
      const own = await graph.query(ADS, { id: ad.id }, ad.token);
      expect(codes(own.body)).toEqual([[['user', 'adInterests'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
    });
  });
});
