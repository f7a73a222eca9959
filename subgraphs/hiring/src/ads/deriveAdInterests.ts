import type { HiringProfileDoc } from '../models/hiringProfileModel';

/** Skill -> coarse interest segment. Segments, never the skills themselves, leave for advertising. */
const SEGMENT_OF_SKILL: Readonly<Record<string, string>> = {
  javascript: 'software-development',
  typescript: 'software-development',
  'node.js': 'software-development',
  react: 'software-development',
  vue: 'software-development',
  java: 'software-development',
  go: 'software-development',
  rust: 'software-development',
  'c#': 'software-development',
  'c++': 'software-development',
  graphql: 'software-development',
  python: 'data-and-ai',
  'machine learning': 'data-and-ai',
  'artificial intelligence': 'data-and-ai',
  sql: 'data-and-ai',
  postgresql: 'data-and-ai',
  mongodb: 'data-and-ai',
  kubernetes: 'cloud-infrastructure',
  docker: 'cloud-infrastructure',
  'amazon web services': 'cloud-infrastructure',
  terraform: 'cloud-infrastructure',
  figma: 'design',
  ux: 'design',
  'product management': 'product',
  sales: 'sales-and-marketing',
  marketing: 'sales-and-marketing',
};

/** Interest segments derived from a hiring profile: coarse, sorted, no free text. */
export function deriveAdInterests(profile: Pick<HiringProfileDoc, 'skills' | 'preferences' | 'openToWork'> | null): string[] {
  if (!profile) return [];
  const segments = new Set<string>();
  for (const skill of profile.skills ?? []) {
    const segment = SEGMENT_OF_SKILL[skill];
    if (segment) segments.add(`interest:${segment}`);
  }
  if (profile.openToWork) segments.add('career:job-seeker');
  if (profile.preferences?.remote) segments.add('career:remote-work');
  for (const level of profile.preferences?.seniority ?? []) segments.add(`career-level:${level.toLowerCase()}`);
  return [...segments].sort();
}
