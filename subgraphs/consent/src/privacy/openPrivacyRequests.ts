import { PRIVACY_SUBGRAPHS } from '@profile-graph/kit';
import type { ConsentServices } from '../consentServices';
import type { PrivacyRequestDoc } from './privacyRequestModels';

/** When a request must be answered by (GDPR Art. 12(3)); requests stored before due dates existed get theirs derived. */
export function dueAtOf(request: Pick<PrivacyRequestDoc, 'requestedAt' | 'dueAt'>, dueMs: number): Date {
  return request.dueAt ?? new Date(new Date(request.requestedAt).getTime() + dueMs);
}

export interface OpenPrivacyRequest {
  request: PrivacyRequestDoc;
  dueAt: Date;
  overdue: boolean;
}

/**
 * Requests not every subgraph has reported done, oldest due first. Reads both collections whole: they hold one
 * request (and at most four reports) per erased user, and requests are insert-only, so there is no "completed"
 * flag to filter on. A deployment with millions of erasures would want one (a separate insert-only marker).
 */
export async function openPrivacyRequests(services: Pick<ConsentServices, 'privacyRequests' | 'privacyProgress' | 'privacyRequestDueMs' | 'clock'>): Promise<OpenPrivacyRequest[]> {
  const [requests, reports] = await Promise.all([
    services.privacyRequests.find({}).select({ _outbox: 0 }).lean(),
    services.privacyProgress.find({}).select({ requestId: 1, subgraph: 1 }).lean(),
  ]);
  const reported = new Map<string, Set<string>>();
  for (const report of reports) {
    let subgraphs = reported.get(report.requestId);
    if (!subgraphs) reported.set(report.requestId, (subgraphs = new Set()));
    subgraphs.add(report.subgraph);
  }
  const now = services.clock().getTime();
  return requests
    .filter((request) => !PRIVACY_SUBGRAPHS.every((subgraph) => reported.get(request._id)?.has(subgraph)))
    .map((request) => {
      const dueAt = dueAtOf(request, services.privacyRequestDueMs);
      return { request, dueAt, overdue: dueAt.getTime() < now };
    })
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.request._id.localeCompare(b.request._id));
}
