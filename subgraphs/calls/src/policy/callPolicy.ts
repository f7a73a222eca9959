import type { WhoCanCall } from '../models/callPrivacyModel';

export interface CalleeRules {
  whoCanCall: WhoCanCall;
  allowed: readonly string[];
  blocked: readonly string[];
}

/**
 * Whether the callee's rules let this caller through. The answer is a bare
 * boolean on purpose: a refused caller must not learn whether they were
 * blocked or the callee merely restricts calls. The allow list counts only in
 * CONTACTS mode; the block list counts in every mode.
 */
export function mayCall(rules: CalleeRules, caller: { id: string; verified: boolean }): boolean {
  if (rules.blocked.includes(caller.id)) return false;
  switch (rules.whoCanCall) {
    case 'EVERYONE':
      return true;
    case 'VERIFIED_ONLY':
      return caller.verified;
    case 'CONTACTS':
      return rules.allowed.includes(caller.id);
    case 'NOBODY':
      return false;
  }
}

export interface EncryptionPolicy {
  defaultOn: boolean;
  callerMayChoose: boolean;
}

/** Encryption a new call starts with, or a message when the caller asked for what the policy forbids. */
export function initialEncryption(policy: EncryptionPolicy, requested: boolean | null | undefined): { enabled: boolean } | { error: string } {
  if (requested === null || requested === undefined || requested === policy.defaultOn) return { enabled: policy.defaultOn };
  if (policy.callerMayChoose) return { enabled: requested };
  return {
    error: `calls start with encryption ${policy.defaultOn ? 'on' : 'off'} here; omit it and use setCallEncryption once the call exists.`,
  };
}
