import { randomUUID } from 'node:crypto';
import {
  AppError,
  isDuplicateKeyError,
  outboxOnCreate,
  pageSize,
  PRIVACY_SUBGRAPHS,
  requestExportSection,
  privacyEvents,
  requireOwner,
  requireService,
  requireUser,
  type ExportRecipient,
  type ExportSection,
  type SubgraphContext,
} from '@profile-graph/kit';
import type { ConsentServices } from '../consentServices';
import { exportConsentData } from './exportConsentData';
import { dueAtOf, openPrivacyRequests } from './openPrivacyRequests';
import type { PrivacyRequestDoc } from './privacyRequestModels';
import type { PrivacyRequest, Resolvers } from '../generated/resolvers';

type Context = SubgraphContext<ConsentServices>;

/** Every recipient across the export, grouped by who they are, with what they received and when. */
function summarizeRecipients(sections: ExportSection[]) {
  const names = new Map<string, string>();
  for (const item of sections.flatMap((section) => section.items)) {
    for (const recipient of item.recipients) if (recipient.id && recipient.name) names.set(recipient.id, recipient.name);
  }
  const byKey = new Map<string, { kind: ExportRecipient['kind']; id: string | null; name: string | null; received: { subgraph: string; what: string | null; at: string | null }[] }>();
  for (const section of sections) {
    for (const item of section.items) {
      for (const recipient of item.recipients) {
        if (recipient.kind !== 'ORGANIZATION' && recipient.kind !== 'PARTNER_KEY' && recipient.kind !== 'PROCESSOR') continue;
        // Processors have no id: they are told apart by name.
        const key = `${recipient.kind}:${recipient.id ?? recipient.name ?? ''}`;
        let entry = byKey.get(key);
        if (!entry) byKey.set(key, (entry = { kind: recipient.kind, id: recipient.id ?? null, name: (recipient.id && names.get(recipient.id)) || recipient.name || null, received: [] }));
        entry.received.push({ subgraph: section.subgraph, what: recipient.what ?? item.kind, at: recipient.at ?? null });
      }
    }
  }
  for (const entry of byKey.values()) entry.received.sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return [...byKey.values()];
}

/** A request as clients see it: per-subgraph progress from the completion reports. */
async function present(request: PrivacyRequestDoc, context: Context): Promise<PrivacyRequest> {
  const reports = await context.services.privacyProgress.find({ requestId: request._id }).lean();
  const bySubgraph = new Map(reports.map((report) => [report.subgraph, report]));
  const progress = PRIVACY_SUBGRAPHS.map((subgraph) => {
    const report = bySubgraph.get(subgraph);
    return { subgraph, status: report ? ('COMPLETED' as const) : ('PENDING' as const), completedAt: report?.completedAt ?? null, removed: report?.removed ?? null };
  });
  const done = progress.every((step) => step.status === 'COMPLETED');
  const completedAt = done ? new Date(Math.max(...progress.map((step) => new Date(step.completedAt!).getTime()))) : null;
  const dueAt = dueAtOf(request, context.services.privacyRequestDueMs);
  const overdue = !done && dueAt.getTime() < context.services.clock().getTime();
  return { id: request._id, kind: request.kind, status: done ? 'COMPLETED' : 'IN_PROGRESS', requestedAt: request.requestedAt, dueAt, overdue, completedAt, progress };
}

/** The scope an operator needs to see privacy requests; the gateway grants it to the operator token. */
export const OPERATOR_PRIVACY_SCOPE = 'operator:privacy';

export const privacyResolvers = {
  Query: {
    exportMyData: async (_, __, context) => {
      const userId = requireUser(context.viewer);
      const { nc, exportTimeoutMs, states, ledger, accessLog, privacyRequests, db } = context.services;
      const gather = (subgraph: string) =>
        requestExportSection(nc, subgraph, userId, exportTimeoutMs).catch((error: unknown) => {
          context.log.warn({ err: error, subgraph }, 'export section unavailable');
          throw new AppError('SERVICE_UNAVAILABLE', `The ${subgraph} part of your data could not be gathered; try again shortly.`, { service: subgraph });
        });
      const [identity, hiring, calls] = await Promise.all([gather('identity'), gather('hiring'), gather('calls')]);
      const own = await exportConsentData({ db, states, ledger, accessLog, privacyRequests, accessLogDays: context.services.accessLogRetentionDays }, userId);
      const sections: ExportSection[] = [identity, hiring, own, calls];
      return {
        format: 'profile-graph.export.v1',
        generatedAt: new Date().toISOString(),
        subject: { userId },
        sections: Object.fromEntries(sections.map((section) => [section.subgraph, section])),
        recipients: summarizeRecipients(sections),
      };
    },
    /** The request id is an unguessable capability (and the request holds no personal data), so it can be followed after the account is gone. */
    privacyRequest: async (_, args, context) => {
      const request = await context.services.privacyRequests.findById(args.id).select({ _outbox: 0 }).lean();
      return request ? present(request, context) : null;
    },
    /** Operators only (@requiresScopes, checked again here): who asked is not shown, only ids, dates and progress. */
    openPrivacyRequests: async (_, args, context) => {
      requireService(context.viewer, OPERATOR_PRIVACY_SCOPE);
      const first = pageSize(args.first, { fallback: 100, max: 500, overMax: 'refuse' });
      const open = (await openPrivacyRequests(context.services)).filter((entry) => !args.overdueOnly || entry.overdue);
      return Promise.all(open.slice(0, first).map((entry) => present(entry.request, context)));
    },
  },
  Mutation: {
    deleteMyAccount: async (_, __, context) => {
      const userId = requireUser(context.viewer);
      const { privacyRequests, relay } = context.services;
      let request: PrivacyRequestDoc | null = await privacyRequests.findOne({ userId }).select({ _outbox: 0 }).lean();
      if (!request) {
        const requestId = randomUUID();
        const requestedAt = context.services.clock();
        const doc: PrivacyRequestDoc = { _id: requestId, userId, kind: 'ERASURE', requestedAt, dueAt: new Date(requestedAt.getTime() + context.services.privacyRequestDueMs) };
        try {
          await privacyRequests.create({ ...doc, ...outboxOnCreate([privacyEvents.erasureRequested.create({ requestId, userId })]) });
          request = doc;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // A concurrent request won: answer with it.
          const winner: PrivacyRequestDoc | null = await privacyRequests.findOne({ userId }).select({ _outbox: 0 }).lean();
          if (!winner) throw error;
          request = winner;
        }
        relay.kick();
      }
      return present(request, context);
    },
  },
  User: {
    privacyRequests: async (user, _, context) => {
      requireOwner(context.viewer, user.id, 'privacy requests');
      const requests = await context.services.privacyRequests.find({ userId: user.id }).select({ _outbox: 0 }).sort({ requestedAt: -1 }).lean();
      return Promise.all(requests.map((request) => present(request, context)));
    },
  },
} satisfies Resolvers;
