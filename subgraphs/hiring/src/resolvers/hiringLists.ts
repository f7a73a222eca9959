import type { ConnectionOptions } from '@profile-graph/kit';

/** Hiring's lists end with a null endCursor on their last page, as schema/hiring.graphql has always said. */
export const HIRING_LISTS: ConnectionOptions = { endCursorOnLastPage: false };
