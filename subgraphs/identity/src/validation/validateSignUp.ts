import { badInput } from '@profile-graph/kit';
import { validateDisplayText } from './validateDisplayText';

const HANDLE = /^[a-zA-Z0-9_]{3,30}$/;
/** Names that would impersonate the service or staff, or collide with routes and mentions. Compared lower-cased. */
export const RESERVED_HANDLES = new Set([
  'admin', 'administrator', 'root', 'support', 'help', 'me', 'system', 'profile_graph', 'profilegraph', 'null', 'undefined',
  'api', 'graphql', 'www', 'operator', 'moderator', 'mod', 'staff', 'security', 'official', 'verified', 'premium', 'billing',
  'privacy', 'legal', 'abuse', 'postmaster', 'webmaster', 'hostmaster', 'noreply', 'no_reply', 'anonymous', 'deleted',
  'everyone', 'here', 'settings', 'login', 'signin', 'signup', 'logout', 'signout', 'verify', 'verification', 'team',
  // JavaScript's own property names: a handle is used as a key in maps and responses.
  '__proto__', 'constructor', 'prototype',
]);

export interface SignUpInput {
  handle: string;
  password: string;
  displayName: string;
}

/** 3-30 letters, digits or underscores, not reserved; uniqueness (case-insensitive) is the unique index's job. */
export function validateHandle(raw: unknown, field: string): string {
  if (typeof raw !== 'string') throw badInput(field, 'give the handle as text.');
  const handle = raw.trim();
  if (!HANDLE.test(handle)) throw badInput(field, 'use 3 to 30 letters, digits or underscores.');
  if (RESERVED_HANDLES.has(handle.toLowerCase())) throw badInput(field, 'this handle is reserved.');
  return handle;
}

export function validateDisplayName(raw: unknown, field: string): string {
  return validateDisplayText(raw, field, { min: 1, max: 80 });
}

/** Checks every field and names the first bad one; nothing is written before this passes. */
export function validateSignUp(input: SignUpInput): SignUpInput {
  const handle = validateHandle(input.handle, 'handle');
  if (input.password.length < 10) throw badInput('password', 'use at least 10 characters.');
  if (input.password.length > 200) throw badInput('password', 'use at most 200 characters.');
  const displayName = validateDisplayName(input.displayName, 'displayName');
  return { handle, password: input.password, displayName };
}
