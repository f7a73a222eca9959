import { badInput, type SubgraphContext } from '@profile-graph/kit';
import type { ConsentServices } from '../consentServices';
import { accessSummary, type DataAccessDoc } from '../models/dataAccessModel';
import { assertSubject } from './consentRecordResolvers';

type Context = SubgraphContext<ConsentServices>;

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

export const dataAccessLogResolvers = {
  User: {
    /** Newest last read first, keyset-paginated on (at = lastAt, id) so pages stay stable while new entries arrive. */
    dataAccessLog: async (user: { id: string }, args: { first?: number | null; after?: string | null }, context: Context) => {
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
    id: (doc: DataAccessDoc) => doc._id,
    viewerKind: (doc: DataAccessDoc) => doc.viewerKind.toUpperCase(),
    fields: (doc: DataAccessDoc) => accessSummary(doc).fields,
    count: (doc: DataAccessDoc) => accessSummary(doc).count,
    firstAt: (doc: DataAccessDoc) => accessSummary(doc).firstAt,
    lastAt: (doc: DataAccessDoc) => accessSummary(doc).lastAt,
    /** Deprecated: the first of `fields`. */
    field: (doc: DataAccessDoc) => accessSummary(doc).fields[0] ?? '',
    /** Deprecated: `lastAt`. */
    at: (doc: DataAccessDoc) => doc.at,
  },
};
