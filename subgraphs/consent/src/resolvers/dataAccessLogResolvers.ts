import { decodeNewestFirstCursor, newestFirstAfter, newestFirstCursor, pageSize, requireOwner, toConnection } from '@profile-graph/kit';
import { accessSummary, type DataAccessDoc } from '../models/dataAccessModel';
import type { DataAccessorKind, Resolvers } from '../generated/resolvers';

/** The access log stores the viewer's kind as the kit names it; the API spells it as an enum. */
const VIEWER_KINDS: Record<DataAccessDoc['viewerKind'], DataAccessorKind> = { anonymous: 'ANONYMOUS', user: 'USER', partner: 'PARTNER', service: 'SERVICE' };

export const dataAccessLogResolvers = {
  User: {
    /** Newest last read first, keyset-paginated on (at = lastAt, id) so pages stay stable while new entries arrive. */
    dataAccessLog: async (user, args, context) => {
      requireOwner(context.viewer, user.id, 'data access log');
      const first = pageSize(args.first, { fallback: 20, max: 100, overMax: 'refuse' });
      const filter = { subjectUserId: user.id, ...newestFirstAfter(decodeNewestFirstCursor(args.after), 'at') };
      const docs = await context.services.accessLog.find(filter).sort({ at: -1, _id: -1 }).limit(first + 1).lean();
      return toConnection(docs, first, (doc) => newestFirstCursor(doc.at, doc._id));
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
