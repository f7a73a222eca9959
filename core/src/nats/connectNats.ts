import { readFileSync } from 'node:fs';
import { connect, nkeyAuthenticator, type NatsConnection } from 'nats';

/** Each role's reply inbox, as scripts/lib/natsPermissions.js grants it (`_INBOX_<role>.>`), so no role reads another's replies. */
export const natsInboxPrefix = (role: string) => `_INBOX_${role}`;

export interface NatsConnectOptions {
  /** One URL or a comma-separated list (every node of a cluster); `tls://` asks for TLS. */
  url: string;
  /** The permission table's role: picks the inbox prefix the server allows it. */
  role: string;
  /** This role's nkey seed (`SU...`): the server knows only its public key. */
  nkeySeed: string;
  /** PEM file of the CA that signed the server's certificate (TLS with a private CA). */
  tlsCaFile?: string;
  name: string;
  timeoutMs: number;
}

/**
 * Connects as one role of the permission table. Once up it never gives up
 * (a NATS restart heals by itself). It refuses a server that let it in
 * without asking who it is: such a server lets anyone else in too, and
 * every consent guarantee rides on the subjects being guarded.
 */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url.split(',').map((server) => server.trim()),
      name: options.name,
      timeout: options.timeoutMs,
      authenticator: nkeyAuthenticator(new TextEncoder().encode(options.nkeySeed.trim())),
      inboxPrefix: natsInboxPrefix(options.role),
      ...(options.tlsCaFile ? { tls: { ca: readFileSync(options.tlsCaFile, 'utf8') } } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: false,
    });
  } catch (cause) {
    throw new Error(`NATS at ${options.url} is unreachable or refused ${options.role}'s credentials (${(cause as Error).message})`, { cause });
  }
  if (nc.info?.auth_required !== true) {
    await nc.close();
    throw new Error(`NATS at ${options.url} accepts connections without credentials; refusing to use it (generate its config from scripts/lib/natsPermissions.js)`);
  }
  return nc;
}
