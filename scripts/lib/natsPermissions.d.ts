// Hand-written declarations for natsPermissions.js (plain CommonJS, used before `npm install`).

export type NatsRole = 'gateway' | 'identity' | 'hiring' | 'consent' | 'calls' | 'admin';

export interface DurableGrant {
  stream: string;
  durable: string;
  filters: string[];
}

export interface RoleGrant {
  why: string;
  publish?: string[];
  subscribe?: string[];
  request?: string[];
  answer?: string[];
  ownStreams?: string[];
  readStreams?: string[];
  followStreams?: string[];
  purgeStreams?: string[];
  getFromStreams?: string[];
  durables?: DurableGrant[];
  superuser?: boolean;
}

export declare const ROLES: readonly NatsRole[];
export declare const permissionTable: Record<NatsRole, RoleGrant>;
export declare function inboxPrefix(role: string): string;
export declare function jetStreamSubjects(grant: RoleGrant): string[];
export declare function serverPermissions(role: NatsRole): {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  allow_responses?: { max: number; expires: string };
};
export declare function permissionTableMarkdown(): string;
