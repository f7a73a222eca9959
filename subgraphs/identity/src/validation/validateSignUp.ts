import { badInput } from '@profile-graph/kit';

const HANDLE = /^[a-zA-Z0-9_]{3,30}$/;
const RESERVED = new Set(['admin', 'root', 'support', 'help', 'me', 'system', 'profile_graph', 'null', 'undefined']);

export interface SignUpInput {
  handle: string;
  password: string;
  displayName: string;
}

/** Checks every field and names the first bad one; nothing is written before this passes. */
export function validateSignUp(input: SignUpInput): SignUpInput {
  const handle = input.handle.trim();
  if (!HANDLE.test(handle)) throw badInput('handle', 'use 3 to 30 letters, digits or underscores.');
  if (RESERVED.has(handle.toLowerCase())) throw badInput('handle', 'this handle is reserved.');
  if (input.password.length < 10) throw badInput('password', 'use at least 10 characters.');
  if (input.password.length > 200) throw badInput('password', 'use at most 200 characters.');
  const displayName = input.displayName.trim();
  if (displayName.length < 1 || displayName.length > 80) throw badInput('displayName', 'use 1 to 80 characters.');
  if (/[\u0000-\u001f\u007f]/.test(displayName)) throw badInput('displayName', 'control characters are not allowed.');
  return { handle, password: input.password, displayName };
}
