import { consentPurposes, exportConsentProjection, type ConsentLookup, type ExportItem, type ExportRecipient, type ExportSection } from '@profile-graph/kit';
import type { Connection } from 'mongoose';
import { deriveAdInterests } from '../ads/deriveAdInterests';
import type { HiringServices } from '../hiringServices';

export type HiringExportDeps = Pick<HiringServices, 'profiles' | 'jobs' | 'applications' | 'activity' | 'withdrawals' | 'organizations'> & {
  db: Connection;
  consent: Pick<ConsentLookup, 'isGranted'>;
  /** RETENTION_JOB_SEARCH_ACTIVITY_DAYS, stated with the activity. */
  jobSearchActivityDays: number;
};

const recruitment = consentPurposes.EMPLOYER_SHARING.dataUse;

/**
 * hiring's part of a user's export: the hiring profile with every employer
 * it was shared with through an application (and when), the applications,
 * the job-search activity, jobs the user posted for an organization, their
 * membership as hiring knows it, and the ad interest segments while they are
 * derived. Employers' reads of the profile are in consent's access log part.
 * Other candidates of the same jobs are never mentioned.
 */
export async function exportHiringData(deps: HiringExportDeps, userId: string): Promise<ExportSection> {
  const items: ExportItem[] = [];
  const applications = await deps.applications.find({ candidateId: userId }).sort({ createdAt: 1 }).lean();
  const jobIds = [...new Set(applications.map((application) => application.jobId))];
  const jobs = new Map((await deps.jobs.find({ _id: { $in: jobIds } }).select({ title: 1, organizationId: 1, organizationName: 1 }).lean()).map((job) => [job._id, job]));

  const profile = await deps.profiles.findById(userId).lean();
  if (profile) {
    const sharedWith: ExportRecipient[] = applications
      .filter((application) => application.employerSharingConsentVersion !== null)
      .map((application) => ({
        kind: 'ORGANIZATION',
        id: application.organizationId,
        name: jobs.get(application.jobId)?.organizationName ?? null,
        what: 'hiring profile (skills, employment and education history, preferences) through your application, while EMPLOYER_SHARING was granted',
        at: application.createdAt.toISOString(),
      }));
    const { _id, createdAt, updatedAt, headline, skills, employmentHistory, educationHistory, preferences, openToWork } = profile;
    items.push({
      collection: 'hiring_profiles',
      kind: 'hiring profile',
      retention: 'while your account exists; deleted when you erase it (deleteMyAccount)',
      purpose: recruitment,
      recipients: sharedWith,
      data: { userId: _id, headline, skills, employmentHistory: employmentHistory ?? [], educationHistory: educationHistory ?? [], preferences: preferences ?? null, openToWork: openToWork ?? null, createdAt, updatedAt },
    });
    if (deps.consent.isGranted(userId, 'AD_PERSONALIZATION')) {
      items.push({
        collection: 'hiring_profiles',
        kind: 'ad interest segments (derived from the profile on each request, not stored)',
        retention: 'not stored',
        purpose: consentPurposes.AD_PERSONALIZATION.dataUse,
        recipients: [{ kind: 'SERVICE', name: 'first-party ad delivery', what: 'interest segments' }],
        data: { segments: deriveAdInterests(profile) },
      });
    }
  }
  for (const application of applications) {
    const job = jobs.get(application.jobId);
    items.push({
      collection: 'applications',
      kind: 'job application',
      retention: 'until you withdraw the application or erase your account',
      purpose: recruitment,
      recipients: [{ kind: 'ORGANIZATION', id: application.organizationId, name: job?.organizationName ?? null, what: 'your application', at: application.createdAt.toISOString() }],
      data: {
        jobId: application.jobId,
        jobTitle: job?.title ?? null,
        organizationId: application.organizationId,
        organizationName: job?.organizationName ?? null,
        employerSharingConsentVersion: application.employerSharingConsentVersion,
        appliedAt: application.createdAt,
      },
    });
  }
  for (const entry of await deps.activity.find({ userId }).sort({ createdAt: 1 }).lean()) {
    items.push({
      collection: 'job_activity',
      kind: 'job-search activity',
      retention: `${deps.jobSearchActivityDays} days after it was recorded (RETENTION_JOB_SEARCH_ACTIVITY_DAYS), at once when you withdraw HIRING_RECOMMENDATIONS, or when you erase your account`,
      purpose: consentPurposes.HIRING_RECOMMENDATIONS.dataUse,
      recipients: [],
      data: { jobId: entry.jobId, kind: entry.kind, at: entry.createdAt },
    });
  }
  const withdrawal = await deps.withdrawals.findById(userId).lean();
  if (withdrawal) {
    items.push({
      collection: 'activity_withdrawals',
      kind: 'your latest withdrawal of HIRING_RECOMMENDATIONS, kept so no activity is recorded under the earlier grant',
      retention: 'replaced by a later withdrawal; deleted when you erase your account',
      purpose: 'essential.service.security',
      recipients: [],
      data: { consentVersion: withdrawal.version, withdrawnAt: withdrawal.at },
    });
  }
  for (const job of await deps.jobs.find({ 'postedBy.kind': 'user', 'postedBy.id': userId }).lean()) {
    items.push({
      collection: 'jobs',
      kind: 'job you posted for an organization',
      retention: 'kept with the organization; your id is removed from it when you erase your account',
      purpose: recruitment,
      recipients: [],
      data: { jobId: job._id, title: job.title, organizationId: job.organizationId, organizationName: job.organizationName, status: job.status, postedAt: job.createdAt },
    });
  }
  for (const organization of await deps.organizations.find({ 'members.userId': userId }).lean()) {
    items.push({
      collection: 'organizations',
      kind: 'organization membership (who may post jobs)',
      retention: 'while you are a member; removed when you leave or erase your account',
      purpose: 'essential.service',
      recipients: [],
      data: { organizationId: organization._id, name: organization.name ?? null, role: organization.members?.find((member) => member.userId === userId)?.role ?? null },
    });
  }
  items.push(...(await exportConsentProjection(deps.db, userId)));
  return {
    subgraph: 'hiring',
    items,
    notes: ['Job recommendations are computed on request and not stored.', 'Other candidates of the same jobs are not mentioned.'],
  };
}
