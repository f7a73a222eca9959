import { AppError, type Viewer } from '@profile-graph/core';

/**
 * The checks a resolver makes on who is asking, one message each, so every
 * subgraph refuses the same way. (Fields the SDL marks @authenticated or
 * @requiresScopes are refused before the resolver runs; these guard what the
 * SDL cannot say: "a person", "this person", "this service".)
 */

/** A person's own action: the signed-in user's id. Anonymous callers, partner keys and services get UNAUTHENTICATED. */
export function requireUser(viewer: Viewer): string {
  if (viewer.kind !== 'user' || !viewer.userId) throw new AppError('UNAUTHENTICATED', 'Sign in as a user to do this.');
  return viewer.userId;
}

/** Data that belongs to `ownerId` alone (`what` names it): anyone but that signed-in user gets FORBIDDEN. */
export function requireOwner(viewer: Viewer, ownerId: string, what: string): string {
  if (viewer.kind !== 'user' || !viewer.userId || viewer.userId !== ownerId) throw new AppError('FORBIDDEN', `Only the user can see their ${what}.`);
  return viewer.userId;
}

/**
 * An internal service (operators reach the subgraphs as a `service` viewer the
 * gateway minted for a valid x-operator-token) holding `scope`; anyone else gets FORBIDDEN.
 */
export function requireService(viewer: Viewer, scope: string): void {
  if (viewer.kind !== 'service' || !viewer.scopes.includes(scope)) {
    throw new AppError('FORBIDDEN', `Only an operator or service with the ${scope} scope may do this (operators: send the operator token as x-operator-token).`);
  }
}
