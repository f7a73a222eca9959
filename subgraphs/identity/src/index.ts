export { createIdentity } from './createIdentity';
export { loadIdentityConfig, identityConfigSchema, type IdentityConfig } from './identityConfig';
