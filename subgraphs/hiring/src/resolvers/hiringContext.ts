import type { SubgraphContext } from '@profile-graph/kit';
import type { HiringServices } from '../hiringServices';

export type Context = SubgraphContext<HiringServices>;

/** Text searched as a literal substring, never as a pattern the caller controls. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A federation reference to identity's User. */
export const userReference = (id: string) => ({ __typename: 'User', id });
