import { connectDatabase } from '@profile-graph/kit';
import { startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import type { Connection } from 'mongoose';
import { jobModel, type JobDoc, type JobModel } from '../../src/models/jobModel';
import { OpenJobsSnapshot } from '../../src/recommendations/openJobsSnapshot';
import { candidateJobsQuery, matchesJobInterest } from '../../src/resolvers/recommendationResolvers';

// Recommendations score open jobs from memory (OpenJobsSnapshot) when there are
// few enough, else by query: both must pick the same jobs, on a real server.
describe('job interest: the in-memory filter picks what the query picks', () => {
  let env: TestEnvironment;
  let db: Connection;
  let jobs: JobModel;

  const job = (id: string, fields: Partial<JobDoc>): Partial<JobDoc> => ({
    _id: id,
    organizationId: 'org',
    organizationName: 'Org',
    title: id,
    titleLower: id,
    description: 'A job.',
    location: null,
    locationLower: null,
    remote: false,
    skills: [],
    seniority: null,
    status: 'OPEN',
    postedBy: { kind: 'user', id: 'u' },
    createdAt: new Date(Date.UTC(2026, 0, Number(id.slice(1)))),
    updatedAt: new Date(),
    ...fields,
  });

  beforeAll(async () => {
    env = await startTestEnvironment();
    db = await connectDatabase(env.mongoUri, `${env.databasePrefix}_jobs`);
    jobs = jobModel(db);
    // timestamps: false keeps the createdAt that orders them.
    await jobs.insertMany([
      job('j1', { skills: ['go', 'sql'] }),
      job('j2', { titleLower: 'senior backend engineer' }),
      job('j3', { locationLower: 'berlin, germany' }),
      job('j4', { remote: true }),
      job('j5', { skills: ['go'], status: 'CLOSED' }),
      job('j6', { titleLower: 'designer', locationLower: 'paris' }),
      job('j7', { skills: ['rust'] }),
    ], { timestamps: false });
  });

  afterAll(async () => {
    await db?.close();
    await env?.stop();
  });

  it.each([
    ['a skill', { skills: ['go'], roles: [], locations: [], remote: false, jobIds: [] }],
    ['a role, as a substring', { skills: [], roles: ['backend'], locations: [], remote: false, jobIds: [] }],
    ['a place', { skills: [], roles: [], locations: ['berlin'], remote: false, jobIds: [] }],
    ['remote work', { skills: [], roles: [], locations: [], remote: true, jobIds: [] }],
    ['jobs from activity', { skills: [], roles: [], locations: [], remote: false, jobIds: ['j6', 'j5'] }],
    ['everything at once', { skills: ['rust', 'sql'], roles: ['designer'], locations: ['germany'], remote: true, jobIds: ['j2'] }],
  ])('%s', async (_, interest) => {
    const queried = (await jobs.find(candidateJobsQuery(interest)).sort({ createdAt: -1, _id: -1 }).lean<JobDoc[]>()).map((doc) => doc._id);
    const open = await new OpenJobsSnapshot(jobs, { maxAgeMs: 60_000, maxJobs: 100 }).get();
    expect(open!.every((doc) => doc.status === 'OPEN')).toBe(true);
    expect(open!.filter(matchesJobInterest(interest)).map((doc) => doc._id)).toEqual(queried);
    expect(queried.length).toBeGreaterThan(0);
  });
});
