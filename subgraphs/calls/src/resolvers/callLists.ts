import type { PageSizeRule } from '@profile-graph/kit';

/** recentCalls and callHistory: 20 by default, at most 50, and a larger ask is refused. */
export const CALL_LISTS: PageSizeRule = { fallback: 20, max: 50, overMax: 'refuse' };
