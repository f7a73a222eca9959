import type { JobDoc } from '../models/jobModel';
import { deriveAdInterests } from '../ads/deriveAdInterests';
import { scoreJobs } from './scoreJobs';

const job = (id: string, fields: Partial<JobDoc>, createdAt = 0): JobDoc =>
  ({ _id: id, title: id, titleLower: id, location: null, locationLower: null, remote: false, skills: [], seniority: null, status: 'OPEN', createdAt: new Date(createdAt), ...fields }) as JobDoc;

describe('scoreJobs', () => {
  const profile = { skills: ['typescript', 'graphql'], preferences: { roles: ['backend'], locations: ['berlin'], remote: true, seniority: ['SENIOR' as const] } };

  it('ranks by skills, then preferences, and says why', () => {
    const [first, second, ...rest] = scoreJobs(
      profile,
      [
        job('frontend', { skills: ['css'] }),
        job('backend engineer', { titleLower: 'backend engineer', skills: ['typescript', 'graphql'], remote: true, seniority: 'SENIOR' }),
        job('berlin dev', { locationLower: 'berlin, de', skills: ['typescript', 'java'] }),
      ],
      [],
    );
    expect(first).toMatchObject({ matchedSkills: ['typescript', 'graphql'], matchedPreferences: ['role: backend', 'remote', 'seniority: SENIOR'], activitySignals: [] });
    expect(second).toMatchObject({ matchedSkills: ['typescript'], matchedPreferences: ['location: berlin'] });
    expect(rest).toEqual([]);
  });

  it('lets activity nudge, and leaves out jobs already applied to', () => {
    const saved = job('saved', { skills: ['rust'] });
    const results = scoreJobs({ skills: [], preferences: undefined }, [job('a', { skills: ['rust'] }), job('b', { skills: ['go'] }), saved], [
      { kind: 'SAVE', job: saved },
      { kind: 'APPLY', job: job('applied', { skills: ['go'] }) },
    ]);
    expect(results.map((r) => [r.job._id, r.activitySignals])).toEqual([
      ['saved', ['you saved this job']],
      // An application weighs more than a save.
      ['b', ['similar to jobs you applied to']],
      ['a', ['similar to jobs you saved']],
    ]);
    expect(scoreJobs(null, [job('applied', { skills: ['go'] })], [{ kind: 'APPLY', job: job('applied', { skills: ['go'] }) }])).toEqual([]);
  });
});

describe('deriveAdInterests', () => {
  it('derives coarse segments, never raw skills', () => {
    expect(
      deriveAdInterests({ skills: ['typescript', 'python', 'underwater basket weaving'], openToWork: true, preferences: { roles: [], locations: [], remote: true, seniority: ['LEAD'] } }),
    ).toEqual(['career-level:lead', 'career:job-seeker', 'career:remote-work', 'interest:data-and-ai', 'interest:software-development']);
    expect(deriveAdInterests(null)).toEqual([]);
  });
});
