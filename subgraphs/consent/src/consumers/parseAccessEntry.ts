import { isConsentPurpose } from '@profile-graph/kit';
import type { DataAccessDoc } from '../models/dataAccessModel';

const VIEWER_KINDS = new Set(['anonymous', 'user', 'partner', 'service']);

export type ParsedAccessEntry = { doc: DataAccessDoc; problems?: undefined } | { doc?: undefined; problems: string[] };

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value);

function parseTime(value: unknown, name: string, problems: string[]): Date | null {
  if (typeof value !== 'string') {
    problems.push(`${name}: expected an ISO time, got ${show(value)}`);
    return null;
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    problems.push(`${name}: ${show(value)} is not a time`);
    return null;
  }
  return date;
}

/**
 * One entry of a `privacy.v1.access.recorded` batch as the document to store,
 * or what is wrong with it (each problem names the property; values are shown
 * only for enum-like properties and times, truncated, never ids of people).
 * Two shapes are accepted: the aggregated one (`fields`, `count`, `firstAt`,
 * `lastAt`) and the one-read shape published before it (`field`, `at`), which
 * becomes `fields: [field]`, `count: 1`, `firstAt` = last = `at`.
 */
export function parseAccessEntry(raw: unknown): ParsedAccessEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: [`entry: expected an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw}`] };
  const entry = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (!isText(entry.id)) problems.push('id: missing or not a string');
  if (!VIEWER_KINDS.has(entry.viewerKind as string)) problems.push(`viewerKind: ${show(entry.viewerKind)} is not one of anonymous, user, partner, service`);
  for (const name of ['viewerId', 'viewerOrgId'] as const) {
    if (entry[name] !== null && !isText(entry[name])) problems.push(`${name}: expected a string or null, got ${entry[name] === undefined ? 'nothing' : typeof entry[name]}`);
  }
  if (!isText(entry.subjectUserId)) problems.push('subjectUserId: missing or not a string');
  if (!isConsentPurpose(entry.purpose)) problems.push(`purpose: ${show(entry.purpose)} is not a consent purpose`);
  if (!isText(entry.subgraph)) problems.push(`subgraph: missing or not a string`);

  let fields: string[] | null = null;
  let count = 1;
  let firstAt: Date | null = null;
  let lastAt: Date | null = null;
  if (entry.fields !== undefined) {
    if (!Array.isArray(entry.fields) || entry.fields.length === 0 || !entry.fields.every(isText)) {
      problems.push('fields: expected a non-empty array of Type.field strings');
    } else {
      fields = [...new Set(entry.fields as string[])].sort();
    }
    if (typeof entry.count !== 'number' || !Number.isSafeInteger(entry.count) || entry.count < 1) {
      problems.push(`count: expected a whole number of reads of at least 1, got ${typeof entry.count === 'number' ? entry.count : show(entry.count)}`);
    } else {
      count = entry.count;
      if (fields && count < fields.length) problems.push(`count: ${count} reads cannot cover ${fields.length} fields`);
    }
    firstAt = parseTime(entry.firstAt, 'firstAt', problems);
    lastAt = parseTime(entry.lastAt, 'lastAt', problems);
    if (firstAt && lastAt && firstAt > lastAt) problems.push('firstAt: after lastAt');
  } else if (entry.field !== undefined) {
    if (!isText(entry.field)) problems.push('field: expected a Type.field string');
    else fields = [entry.field];
    lastAt = parseTime(entry.at, 'at', problems);
    firstAt = lastAt;
  } else {
    problems.push('fields: missing (and no field of the one-read shape either)');
  }

  if (problems.length > 0) return { problems };
  return {
    doc: {
      _id: entry.id as string,
      viewerKind: entry.viewerKind as DataAccessDoc['viewerKind'],
      viewerId: entry.viewerId as string | null,
      viewerOrgId: entry.viewerOrgId as string | null,
      subjectUserId: entry.subjectUserId as string,
      purpose: entry.purpose as DataAccessDoc['purpose'],
      subgraph: entry.subgraph as string,
      fields: fields!,
      count,
      firstAt: firstAt!,
      at: lastAt!,
    },
  };
}
