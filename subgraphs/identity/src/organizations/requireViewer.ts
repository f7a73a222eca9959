import { AppError, type Viewer } from '@profile-graph/kit';

/** The signed-in user's id; partners, operators and anonymous viewers get UNAUTHENTICATED (these are person actions). */
export function requireUserId(viewer: Viewer): string {
  if (viewer.kind !== 'user' || !viewer.userId) throw new AppError('UNAUTHENTICATED', 'Sign in as a user to do this.');
  return viewer.userId;
}

/** Operators reach identity as a `service` viewer the gateway minted for a valid x-operator-token. */
export function requireOperator(viewer: Viewer, scope: string): void {
  if (viewer.kind !== 'service' || !viewer.scopes.includes(scope)) {
    throw new AppError('FORBIDDEN', 'Only an operator may do this: send the operator token as x-operator-token.');
  }
}
