import { badInput } from '@profile-graph/kit';
import { accessSummary, type DataAccessDoc } from '../models/dataAccessModel';
import { assertSubject } from './consentRecordResolvers';
import type { DataAccessorKind, Resolvers } from '../generated/resolvers';

const encodeCursor = (doc: Pick<DataAccessDoc, '_id' | 'at'>) => Buffer.from(JSON.stringify([doc.at.toISOString(), doc._id])).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw badInput('after', 'use the endCursor of a previous page.');
  }
}

/** The access log stores the viewer's kind as the kit names it; the API spells it as an enum. */
const VIEWER_KINDS: Record<DataAccessDoc['viewerKind'], DataAccessorKind> = { anonymous: 'ANONYMOUS', user: 'USER', partner: 'PARTNER', service: 'SERVICE' };

export const dataAccessLogResolvers = {
  User: {
    /** Newest last read first, keyset-paginated on (at = lastAt, id) so pages stay stable while new entries arrive. */
    dataAccessLog: async (user, args, context) => {
      assertSubject(user.id, context, 'data access log');
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first', 'use 1 to 100.');
      const filter: Record<string, unknown> = { subjectUserId: user.id };
      if (args.after) {
        const { at, id } = decodeCursor(args.after);
        filter.$or = [{ at: { $lt: at } }, { at, _id: { $lt: id } }];
      }
      const docs = await context.services.accessLog.find(filter).sort({ at: -1, _id: -1 }).limit(first + 1).lean();
      const page = docs.slice(0, first);
      const edges = page.map((doc) => ({ cursor: encodeCursor(doc), node: doc }));
      return { edges, pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  DataAccess: {
    id: (doc) => doc._id,
    viewerKind: (doc) => VIEWER_KINDS[doc.viewerKind],
    fields: (doc) => accessSummary(doc).fields,
    count: (doc) => accessSummary(doc).count,
    firstAt: (doc) => accessSummary(doc).firstAt,
    lastAt: (doc) => accessSummary(doc).lastAt,
    /** Deprecated: the first of `fields`. */
    field: (doc) => accessSummary(doc).fields[0] ?? '',
    /** Deprecated: `lastAt`. */
    at: (doc) => doc.at,
  },
} satisfies Resolvers;
