import { AppError, type SubgraphContext, type Viewer } from '@profile-graph/kit';
import type { HiringServices } from '../hiringServices';

export type Context = SubgraphContext<HiringServices>;

/** A person's own action: partners, services and anonymous callers are refused. */
export function requireUserId(viewer: Viewer, what: string): string {
  if (viewer.kind !== 'user' || !viewer.userId) throw new AppError('UNAUTHENTICATED', `Sign in as a person to ${what}.`);
  return viewer.userId;
}

/** Text searched as a literal substring, never as a pattern the caller controls. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A federation reference to identity's User. */
export const userReference = (id: string) => ({ __typename: 'User', id });
