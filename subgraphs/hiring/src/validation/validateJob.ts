import { badInput } from '@profile-graph/kit';
import type { JobDoc, JobStatus } from '../models/jobModel';
import type { Seniority } from '../models/hiringProfileModel';
import type { PostJobInput, UpdateJobInput } from '../generated/resolvers';
import { SENIORITIES, text, validateSkills } from './validateHiringProfile';

export type { PostJobInput, UpdateJobInput };

export type JobFields = Pick<JobDoc, 'title' | 'titleLower' | 'description' | 'location' | 'locationLower' | 'remote' | 'skills' | 'seniority'>;

function seniority(value: unknown, field: string): Seniority | null {
  if (value === undefined || value === null) return null;
  if (!SENIORITIES.includes(value as Seniority)) throw badInput(field, `use one of ${SENIORITIES.join(', ')}.`);
  return value as Seniority;
}

/** The fields of a new job, or the first bad field named. */
export function validatePostJob(input: PostJobInput): JobFields {
  const title = text(input.title, 'input.title', 120, true)!;
  const location = text(input.location, 'input.location', 100);
  return {
    title,
    titleLower: title.toLowerCase(),
    description: text(input.description, 'input.description', 10_000, true)!,
    location,
    locationLower: location?.toLowerCase() ?? null,
    remote: input.remote ?? false,
    skills: validateSkills(input.skills ?? [], 'input.skills', 30),
    seniority: seniority(input.seniority, 'input.seniority'),
  };
}

/** The `$set` for a job update: omitted fields stay as they are. */
export function validateUpdateJob(input: UpdateJobInput): Partial<JobFields> & { status?: JobStatus } {
  const update: Partial<JobFields> & { status?: JobStatus } = {};
  if (input.title !== undefined) {
    update.title = text(input.title, 'input.title', 120, true)!;
    update.titleLower = update.title.toLowerCase();
  }
  if (input.description !== undefined) update.description = text(input.description, 'input.description', 10_000, true)!;
  if (input.location !== undefined) {
    update.location = text(input.location, 'input.location', 100);
    update.locationLower = update.location?.toLowerCase() ?? null;
  }
  if (input.remote !== undefined && input.remote !== null) update.remote = input.remote;
  if (input.skills !== undefined && input.skills !== null) update.skills = validateSkills(input.skills, 'input.skills', 30);
  if (input.seniority !== undefined) update.seniority = seniority(input.seniority, 'input.seniority');
  if (input.status !== undefined && input.status !== null) {
    if (input.status !== 'OPEN' && input.status !== 'CLOSED') throw badInput('input.status', 'use OPEN or CLOSED.');
    update.status = input.status;
  }
  return update;
}
