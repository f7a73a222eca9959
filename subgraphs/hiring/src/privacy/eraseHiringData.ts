import type { HiringServices } from '../hiringServices';

export const ERASED_USER = 'erased-user';

/**
 * hiring's step of the erasure saga: the profile, the job-search activity
 * and the user's applications go (their ids contain the user id, and an
 * employer keeps no copy of an erased candidate); jobs the user posted stay
 * with their organization, the poster anonymized; the user leaves hiring's
 * copy of every organization. Repeatable.
 */
export async function eraseHiringData(deps: Pick<HiringServices, 'profiles' | 'jobs' | 'applications' | 'activity' | 'withdrawals' | 'organizations'>, userId: string): Promise<Record<string, number>> {
  const profiles = (await deps.profiles.deleteOne({ _id: userId })).deletedCount;
  const activity = (await deps.activity.deleteMany({ userId })).deletedCount;
  await deps.withdrawals.deleteOne({ _id: userId });
  const applications = (await deps.applications.deleteMany({ candidateId: userId })).deletedCount;
  const jobs = (await deps.jobs.updateMany({ 'postedBy.kind': 'user', 'postedBy.id': userId }, { $set: { postedBy: { kind: 'user', id: ERASED_USER } } })).modifiedCount;
  let memberships = 0;
  for (const organization of await deps.organizations.find({ 'members.userId': userId }).lean()) {
    const members = (organization.members ?? []).filter((member) => member.userId !== userId);
    memberships += (organization.members?.length ?? 0) - members.length;
    await deps.organizations.updateOne({ _id: organization._id }, { $set: { members } });
  }
  return { profiles, jobSearchActivity: activity, applications, jobsAnonymized: jobs, organizationMemberships: memberships };
}
