// Hand-written declarations for natsAuth.js.
import type { NatsRole } from './natsPermissions';

export type NatsCredentials = Record<NatsRole, { seed: string; publicKey: string }>;

export declare function freshNatsCredentials(): NatsCredentials;
export declare function ensureNatsCredentials(dir: string): NatsCredentials;
export declare function renderNatsAuthorization(publicKeys: Record<NatsRole, string>): string;
export declare function publicKeysOf(credentials: NatsCredentials): Record<NatsRole, string>;
