import type { ServiceMetrics } from '@profile-graph/kit';
import type { ConsentServices } from '../consentServices';
import { openPrivacyRequests } from './openPrivacyRequests';

/**
 * `privacy_requests_open{state="open"|"overdue"}` on consent's /metrics: open counts every request not yet done,
 * overdue those of them past their due date. Counted when scraped, so it is never stale; alert on overdue > 0.
 */
export function watchPrivacyRequestDeadlines(services: ConsentServices, metrics: ServiceMetrics): void {
  metrics.collectedGauge(
    'privacy_requests_open',
    'Privacy requests not yet completed by every subgraph (state=open), and those past their due date (state=overdue)',
    ['state'],
    async (set) => {
      const open = await openPrivacyRequests(services);
      set({ state: 'open' }, open.length);
      set({ state: 'overdue' }, open.filter((entry) => entry.overdue).length);
    },
  );
}
