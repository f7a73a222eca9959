import { badInput } from '@profile-graph/kit';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** JPEG, PNG or WebP by magic bytes: the formats ID scanners and phone cameras produce. */
export function imageTypeOf(bytes: Buffer): 'jpeg' | 'png' | 'webp' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/** Decodes one base64 image (a `data:image/...;base64,` prefix is allowed), refusing anything over `maxBytes` before decoding it. */
export function decodeImage(raw: unknown, field: string, maxBytes: number): Buffer {
  if (typeof raw !== 'string' || raw.length === 0) throw badInput(field, 'give the image as base64 (JPEG, PNG or WebP).');
  const text = raw.replace(/^data:image\/[a-z]+;base64,/, '');
  // 4 base64 characters carry 3 bytes: refuse oversize input before allocating for it.
  if (Math.floor((text.length * 3) / 4) > maxBytes + 2) throw badInput(field, `images may be at most ${maxBytes} bytes.`);
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw badInput(field, 'not valid base64.');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > maxBytes) throw badInput(field, `images may be at most ${maxBytes} bytes.`);
  if (!imageTypeOf(bytes)) throw badInput(field, 'use a JPEG, PNG or WebP image.');
  return bytes;
}
