import { badInput } from '@profile-graph/kit';

export interface HiringProfileInput {
  headline?: string | null;
  skills?: string[] | null;
}

/** Skills are compared case-insensitively, so they are stored trimmed, lower-cased and de-duplicated. */
export function normalizeSkills(skills: string[]): string[] {
  return [...new Set(skills.map((skill) => skill.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))];
}

/** Returns the `$set` for a valid input, or names the first bad field. */
export function validateHiringProfile(input: HiringProfileInput): Partial<{ headline: string | null; skills: string[] }> {
  const update: Partial<{ headline: string | null; skills: string[] }> = {};
  if (input.headline !== undefined) {
    const headline = input.headline === null ? null : input.headline.trim();
    if (headline !== null && headline.length > 140) throw badInput('input.headline', 'use at most 140 characters.');
    update.headline = headline || null;
  }
  if (input.skills !== undefined && input.skills !== null) {
    if (input.skills.length > 50) throw badInput('input.skills', 'list at most 50 skills.');
    const tooLong = input.skills.find((skill) => skill.trim().length > 50);
    if (tooLong !== undefined) throw badInput('input.skills', `"${tooLong.slice(0, 60)}" is longer than 50 characters.`);
    update.skills = normalizeSkills(input.skills);
  }
  return update;
}
