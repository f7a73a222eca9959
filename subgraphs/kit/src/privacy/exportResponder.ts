import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import { type ExportReply, exportReplySchema, type ExportRequest, type ExportSection, privacyExportSubject, toJson } from '@profile-graph/core';

export type ExportContributor = (userId: string) => Promise<ExportSection>;

/**
 * Answers `rpc.<subgraph>.v1.privacy.export` with this subgraph's part of a
 * user's data export. A queue group: with several instances each request is
 * answered once. Only services on the NATS account can ask (the same trust
 * as the gateway's API key lookups); users reach it through consent's
 * owner-only `exportMyData`.
 */
export class ExportResponder {
  private subscription: Subscription | null = null;

  constructor(private readonly deps: { nc: NatsConnection; subgraph: string; contribute: ExportContributor; logger: Logger }) {}

  start(): void {
    const { nc, subgraph, logger } = this.deps;
    this.subscription = nc.subscribe(privacyExportSubject(subgraph), {
      queue: subgraph,
      callback: (error, message) => {
        if (error) return logger.warn({ err: error }, 'privacy export subscription failed');
        this.answer(message.data).then(
          (reply) => message.respond(Buffer.from(JSON.stringify(reply))),
          (failure: unknown) => logger.error({ err: failure }, 'privacy export reply failed'),
        );
      },
    });
  }

  async answer(data: Uint8Array): Promise<ExportReply> {
    let request: ExportRequest;
    try {
      request = JSON.parse(Buffer.from(data).toString('utf8')) as ExportRequest;
    } catch {
      return { ok: false, error: 'malformed request' };
    }
    if (typeof request?.userId !== 'string' || !request.userId) return { ok: false, error: 'userId missing' };
    try {
      return { ok: true, section: toJson(await this.deps.contribute(request.userId)) };
    } catch (error) {
      this.deps.logger.error({ err: error }, 'privacy export contribution failed');
      return { ok: false, error: 'contribution failed' };
    }
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }
}

/** Asks one subgraph for its part; throws naming the subgraph when it does not answer in time or fails. */
export async function requestExportSection(nc: NatsConnection, subgraph: string, userId: string, timeoutMs: number): Promise<ExportSection> {
  let reply: ExportReply;
  try {
    const message = await nc.request(privacyExportSubject(subgraph), Buffer.from(JSON.stringify({ userId } satisfies ExportRequest)), { timeout: timeoutMs });
    reply = JSON.parse(Buffer.from(message.data).toString('utf8')) as ExportReply;
  } catch (cause) {
    throw new Error(`${subgraph} did not answer the export request (${(cause as Error).message})`, { cause });
  }
  const parsed = exportReplySchema.safeParse(reply);
  if (!parsed.success) throw new Error(`${subgraph} answered the export request with something that is not an export section`);
  if (!parsed.data.ok) throw new Error(`${subgraph} could not export: ${parsed.data.error}`);
  if (parsed.data.section.subgraph !== subgraph) throw new Error(`the answer to ${subgraph}'s export request is another subgraph's section`);
  return (reply as Extract<ExportReply, { ok: true }>).section;
}
