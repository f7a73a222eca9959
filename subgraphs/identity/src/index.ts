export { createIdentity, type IdentityOptions, type IdentityService } from './createIdentity';
export { loadIdentityConfig, identityConfigSchema, type IdentityConfig } from './identityConfig';
export { clientPhoneHash } from './phones/phoneVault';
