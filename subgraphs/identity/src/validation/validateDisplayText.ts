import { badInput } from '@profile-graph/kit';

/** C0 and C1 controls and DEL: never part of a name, and they break logs and terminals. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069): a right-to-left override makes "moc.elgoog" display as
 * "google.com", so a name could impersonate another or hide what it says.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/**
 * Something a reader can see: not whitespace, not a format character
 * (zero-width space, joiner, BOM...), and not one of the fillers that render
 * blank (Hangul fillers, braille blank, combining grapheme joiner).
 */
const VISIBLE = /[^\s\p{Cf}\p{Z}\u034f\u115f\u1160\u2800\u3164\uffa0]/u;

/**
 * Shared rules for names other people read (a user's display name, an
 * organization's name): trimmed, within the length, no control characters,
 * no bidirectional controls, and at least one visible character.
 */
export function validateDisplayText(raw: unknown, field: string, length: { min: number; max: number }): string {
  if (typeof raw !== 'string') throw badInput(field, 'give the name as text.');
  const text = raw.trim();
  if (text.length < length.min || text.length > length.max) throw badInput(field, `use ${length.min} to ${length.max} characters.`);
  if (CONTROL.test(text)) throw badInput(field, 'control characters are not allowed.');
  if (BIDI_CONTROL.test(text)) throw badInput(field, 'bidirectional control characters (U+202A-U+202E, U+2066-U+2069) are not allowed.');
  if (!VISIBLE.test(text)) throw badInput(field, 'use at least one visible character (not only spaces or zero-width characters).');
  return text;
}
