import { badInput } from '@profile-graph/kit';
import { validateDisplayName, validateHandle } from './validateSignUp';

export interface UpdateProfileInput {
  handle?: string | null;
  displayName?: string | null;
  /** null removes it. */
  avatarUrl?: string | null;
  /** null removes it. */
  email?: string | null;
}

/** Only the fields given; `null` means "remove" where that is allowed. */
export interface ProfileChanges {
  handle?: string;
  displayName?: string;
  avatarUrl?: string | null;
  email?: string | null;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function validateAvatarUrl(raw: unknown, field: string): string {
  if (typeof raw !== 'string') throw badInput(field, 'give an https URL as text, or null to remove it.');
  const value = raw.trim();
  if (value.length > 2048) throw badInput(field, 'use at most 2048 characters.');
  if (/[\s\u0000-\u001f\u007f]/.test(value)) throw badInput(field, 'spaces and control characters are not allowed.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'not a URL; give an https:// address.');
  }
  if (url.protocol !== 'https:') throw badInput(field, 'only https:// URLs are allowed.');
  if (url.username || url.password) throw badInput(field, 'URLs with credentials are not allowed.');
  if (!url.hostname || !url.hostname.includes('.')) throw badInput(field, 'give a URL on a public host name.');
  return url.toString();
}

export function validateEmail(raw: unknown, field: string): string {
  if (typeof raw !== 'string') throw badInput(field, 'give an email address as text, or null to remove it.');
  const value = raw.trim();
  if (value.length > 254 || !EMAIL.test(value)) throw badInput(field, 'not an email address (name@example.com, at most 254 characters).');
  return value;
}

/** Checks every given field and names the first bad one, before anything is written. */
export function validateProfileUpdate(input: UpdateProfileInput | null | undefined): ProfileChanges {
  if (!input || typeof input !== 'object') throw badInput('input', 'give at least one field to change.');
  const changes: ProfileChanges = {};
  if (input.handle !== undefined) {
    if (input.handle === null) throw badInput('input.handle', 'a handle cannot be removed; give a new one.');
    changes.handle = validateHandle(input.handle, 'input.handle');
  }
  if (input.displayName !== undefined) {
    if (input.displayName === null) throw badInput('input.displayName', 'a display name cannot be removed; give a new one.');
    changes.displayName = validateDisplayName(input.displayName, 'input.displayName');
  }
  if (input.avatarUrl !== undefined) changes.avatarUrl = input.avatarUrl === null ? null : validateAvatarUrl(input.avatarUrl, 'input.avatarUrl');
  if (input.email !== undefined) changes.email = input.email === null ? null : validateEmail(input.email, 'input.email');
  if (Object.keys(changes).length === 0) throw badInput('input', 'give at least one field to change.');
  return changes;
}
