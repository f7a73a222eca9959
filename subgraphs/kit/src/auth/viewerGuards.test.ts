import { AppError, anonymousViewer, type Viewer } from '@profile-graph/core';
import { requireOwner, requireService, requireUser } from './viewerGuards';

const user = (userId: string): Viewer => ({ kind: 'user', userId, scopes: [] }) as Viewer;
const partner = { kind: 'partner', orgId: 'o1', keyId: 'k1', scopes: ['jobs:write'] } as Viewer;
const service = (scopes: string[]) => ({ kind: 'service', scopes }) as Viewer;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

it('requireUser admits signed-in users only', () => {
  expect(requireUser(user('u1'))).toBe('u1');
  for (const viewer of [anonymousViewer, partner, service(['operator:privacy'])]) expect(codeOf(() => requireUser(viewer))).toBe('UNAUTHENTICATED');
  expect(() => requireUser(anonymousViewer)).toThrow('Sign in as a user to do this.');
});

it('requireOwner admits the owner only, and names the data for everyone else', () => {
  expect(requireOwner(user('u1'), 'u1', 'calls')).toBe('u1');
  for (const viewer of [user('u2'), anonymousViewer, partner, service([])]) expect(codeOf(() => requireOwner(viewer, 'u1', 'calls'))).toBe('FORBIDDEN');
  expect(() => requireOwner(user('u2'), 'u1', 'consent history')).toThrow('Only the user can see their consent history.');
});

it('requireService admits a service holding the scope only', () => {
  expect(codeOf(() => requireService(service(['operator:privacy']), 'operator:privacy'))).toBeUndefined();
  for (const viewer of [service(['other']), user('u1'), partner, anonymousViewer]) expect(codeOf(() => requireService(viewer, 'operator:privacy'))).toBe('FORBIDDEN');
});
