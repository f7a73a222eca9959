import { fetchIdentitySnapshot, type ErasureGuard } from '@profile-graph/kit';
import type { NatsConnection } from 'nats';
import type { CallerVerificationModel } from '../models/callerVerificationModel';
import type { CallUserModel } from '../models/callUserModel';
import { applyVerification } from './projectVerifications';
import { applyHandleChange } from './projectUsers';

/**
 * calls' handle and verification projections from identity's snapshot, for a fresh database once the IDENTITY
 * stream no longer holds every sign-up (max_age). The same writes as the events': handles by (version, time),
 * verifications by time, never over a tombstone, so the snapshot and the durables' replay interleave safely.
 */
export async function bootstrapCallsFromIdentity(deps: { nc: NatsConnection; users: CallUserModel; verifications: CallerVerificationModel; guard: ErasureGuard; timeoutMs: number }): Promise<number> {
  let applied = 0;
  for await (const page of fetchIdentitySnapshot(deps.nc, 'users', { timeoutMs: deps.timeoutMs })) {
    for (const user of page) {
      const at = new Date(user.profileAt);
      if (Number.isNaN(at.getTime())) continue;
      // calls' erasure leaves a handle tombstone, which applyHandleChange never writes over.
      await applyHandleChange(deps.users, { userId: user.userId, handleLower: user.handle.toLowerCase(), version: user.profileVersion, at });
      if (user.verified !== null && user.verificationAt) await applyVerification(deps.verifications, deps.guard, user.userId, user.verified, new Date(user.verificationAt));
      applied += 1;
    }
  }
  return applied;
}
