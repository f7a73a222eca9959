import { badInput } from '@profile-graph/kit';
import { normalizeSkills } from '../skills/normalizeSkills';
import type { EducationEntryDoc, EmploymentEntryDoc, JobPreferencesDoc, Seniority } from '../models/hiringProfileModel';

export { normalizeSkills } from '../skills/normalizeSkills';

/** Every Seniority of the SDL, in rank order: the Record fails the typecheck when the SDL's enum changes. */
const SENIORITY_RANKS = { INTERN: 0, JUNIOR: 1, MID: 2, SENIOR: 3, LEAD: 4, PRINCIPAL: 5 } satisfies Record<Seniority, number>;
export const SENIORITIES: readonly Seniority[] = Object.keys(SENIORITY_RANKS) as Seniority[];

export interface HiringProfileInput {
  headline?: string | null;
  skills?: string[] | null;
  employmentHistory?: EmploymentEntryInput[] | null;
  educationHistory?: EducationEntryInput[] | null;
  preferences?: JobPreferencesInput | null;
  openToWork?: boolean | null;
}

export interface EmploymentEntryInput {
  employer: string;
  title: string;
  from?: string | null;
  to?: string | null;
  description?: string | null;
}

export interface EducationEntryInput {
  institution: string;
  degree?: string | null;
  field?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface JobPreferencesInput {
  roles?: string[] | null;
  locations?: string[] | null;
  remote?: boolean | null;
  seniority?: Seniority[] | null;
}

export interface HiringProfileUpdate {
  headline?: string | null;
  skills?: string[];
  employmentHistory?: EmploymentEntryDoc[];
  educationHistory?: EducationEntryDoc[];
  preferences?: JobPreferencesDoc;
  openToWork?: boolean;
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const YEAR_MONTH = /^(19|20)\d\d-(0[1-9]|1[0-2])$/;

/** Trimmed text within `max` characters, without control characters; empty becomes null unless `required`. */
export function text(value: unknown, field: string, max: number, required = false): string | null {
  if (value === undefined || value === null) {
    if (required) throw badInput(field, 'is required.');
    return null;
  }
  if (typeof value !== 'string') throw badInput(field, 'give text.');
  const trimmed = value.trim();
  if (CONTROL.test(trimmed)) throw badInput(field, 'control characters are not allowed.');
  if (trimmed.length > max) throw badInput(field, `use at most ${max} characters.`);
  if (!trimmed) {
    if (required) throw badInput(field, 'must not be empty.');
    return null;
  }
  return trimmed;
}

function yearMonth(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !YEAR_MONTH.test(value)) throw badInput(field, 'use year and month as YYYY-MM, e.g. 2021-04.');
  return value;
}

function period(from: unknown, to: unknown, field: string): { from: string | null; to: string | null } {
  const start = yearMonth(from, `${field}.from`);
  const end = yearMonth(to, `${field}.to`);
  if (start && end && end < start) throw badInput(`${field}.to`, 'must not be before from.');
  return { from: start, to: end };
}

/** Skills of a profile or a job: at most `max`, each at most 50 characters, normalized. */
export function validateSkills(skills: unknown, field: string, max: number): string[] {
  if (!Array.isArray(skills)) throw badInput(field, 'give a list of skills.');
  if (skills.length > max) throw badInput(field, `list at most ${max} skills.`);
  skills.forEach((skill, i) => {
    if (typeof skill !== 'string') throw badInput(`${field}[${i}]`, 'give text.');
    if (skill.trim().length > 50) throw badInput(field, `"${skill.slice(0, 60)}" is longer than 50 characters.`);
    if (CONTROL.test(skill)) throw badInput(`${field}[${i}]`, 'control characters are not allowed.');
  });
  return normalizeSkills(skills as string[]);
}

function shortList(values: unknown, field: string): string[] {
  if (!Array.isArray(values)) throw badInput(field, 'give a list.');
  if (values.length > 10) throw badInput(field, 'list at most 10.');
  const out = values.map((value, i) => text(value, `${field}[${i}]`, 60)?.toLowerCase().replace(/\s+/g, ' ') ?? null);
  return [...new Set(out.filter((value): value is string => value !== null))];
}

export function validatePreferences(input: JobPreferencesInput, field = 'input.preferences'): JobPreferencesDoc {
  const seniority = input.seniority ?? [];
  seniority.forEach((level, i) => {
    if (!SENIORITIES.includes(level)) throw badInput(`${field}.seniority[${i}]`, `use one of ${SENIORITIES.join(', ')}.`);
  });
  return {
    roles: shortList(input.roles ?? [], `${field}.roles`),
    locations: shortList(input.locations ?? [], `${field}.locations`),
    remote: input.remote ?? null,
    seniority: [...new Set(seniority)],
  };
}

/** Returns the `$set` for a valid input, or names the first bad field. Omitted fields stay out of the update. */
export function validateHiringProfile(input: HiringProfileInput): HiringProfileUpdate {
  const update: HiringProfileUpdate = {};
  if (input.headline !== undefined) update.headline = text(input.headline, 'input.headline', 140);
  if (input.skills !== undefined && input.skills !== null) update.skills = validateSkills(input.skills, 'input.skills', 50);
  if (input.employmentHistory !== undefined && input.employmentHistory !== null) {
    if (input.employmentHistory.length > 30) throw badInput('input.employmentHistory', 'list at most 30 entries.');
    update.employmentHistory = input.employmentHistory.map((entry, i) => {
      const field = `input.employmentHistory[${i}]`;
      return {
        employer: text(entry.employer, `${field}.employer`, 100, true)!,
        title: text(entry.title, `${field}.title`, 100, true)!,
        ...period(entry.from, entry.to, field),
        description: text(entry.description, `${field}.description`, 2000),
      };
    });
  }
  if (input.educationHistory !== undefined && input.educationHistory !== null) {
    if (input.educationHistory.length > 20) throw badInput('input.educationHistory', 'list at most 20 entries.');
    update.educationHistory = input.educationHistory.map((entry, i) => {
      const field = `input.educationHistory[${i}]`;
      return {
        institution: text(entry.institution, `${field}.institution`, 100, true)!,
        degree: text(entry.degree, `${field}.degree`, 100),
        field: text(entry.field, `${field}.field`, 100),
        ...period(entry.from, entry.to, field),
      };
    });
  }
  if (input.preferences !== undefined && input.preferences !== null) update.preferences = validatePreferences(input.preferences);
  if (input.openToWork !== undefined && input.openToWork !== null) update.openToWork = input.openToWork;
  return update;
}
