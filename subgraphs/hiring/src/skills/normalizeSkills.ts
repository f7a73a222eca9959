/**
 * Common spellings folded to one name, so "JS" on a profile matches
 * "javascript" on a job. Small on purpose: each entry is a name people really
 * use for the same thing, not a synonym guess.
 */
export const skillAliases: Readonly<Record<string, string>> = {
  js: 'javascript',
  ecmascript: 'javascript',
  ts: 'typescript',
  node: 'node.js',
  nodejs: 'node.js',
  'node js': 'node.js',
  reactjs: 'react',
  'react.js': 'react',
  vuejs: 'vue',
  'vue.js': 'vue',
  golang: 'go',
  py: 'python',
  python3: 'python',
  postgres: 'postgresql',
  psql: 'postgresql',
  mongo: 'mongodb',
  k8s: 'kubernetes',
  'c sharp': 'c#',
  csharp: 'c#',
  cpp: 'c++',
  ml: 'machine learning',
  ai: 'artificial intelligence',
  gql: 'graphql',
  aws: 'amazon web services',
};

/** One skill: trimmed, lower-case, inner spaces folded, alias resolved. */
export function normalizeSkill(skill: string): string {
  const folded = skill.trim().toLowerCase().replace(/\s+/g, ' ');
  return skillAliases[folded] ?? folded;
}

/** Skills are compared case-insensitively and by canonical name, so they are stored normalized and de-duplicated. */
export function normalizeSkills(skills: readonly string[]): string[] {
  return [...new Set(skills.map(normalizeSkill).filter(Boolean))];
}
