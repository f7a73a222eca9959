import { createEvent, type EventEnvelope } from '@profile-graph/kit';
import { eventually, postGraphQL, startTestEnvironment, type GraphQLResponse, type TestEnvironment } from '@profile-graph/kit/testing';
import { createCalls, loadCallsConfig, type CallsService } from '../../src';

/** The calls subgraph on real NATS and the run's MongoDB-wire server, with a clock the test moves. */
export interface CallsHarness {
  env: TestEnvironment;
  calls: CallsService;
  url: string;
  /** Moves the injected clock forward. */
  advance(ms: number): void;
  /** Creates users in calls' projection the way identity does: by publishing identity.v1.user.created. */
  seedUsers(...handles: string[]): Promise<Record<string, string>>;
  publishIdentity(type: string, data: Record<string, unknown>, occurredAt?: Date): Promise<EventEnvelope>;
  gql<T = any>(userId: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Fields of a user entity, as the gateway would fetch them (e.g. for `me { callHistory }`). */
  userFields<T = any>(viewerId: string, userId: string, selection: string, variables?: Record<string, unknown>, varDefs?: string): Promise<GraphQLResponse<T>>;
  /** Every event published on `subject` so far. */
  events(subject: string): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

let counter = 0;

export async function startCallsHarness(extraEnv: Record<string, string> = {}): Promise<CallsHarness> {
  const env = await startTestEnvironment();
  let skew = 0;
  const calls = await createCalls(loadCallsConfig(env.subgraphEnv('calls', { CALL_SWEEP_INTERVAL_MS: '3600000', ...extraEnv })), {
    clock: () => new Date(Date.now() + skew),
  });
  const { url } = await calls.listen(0);

  const gql: CallsHarness['gql'] = async (userId, query, variables) => {
    const viewer = userId ? { kind: 'user' as const, userId, scopes: [] } : { kind: 'anonymous' as const, scopes: [] };
    return postGraphQL(url, query, variables, await env.viewerHeaders(viewer, 'calls'));
  };

  const publishIdentity: CallsHarness['publishIdentity'] = async (type, data, occurredAt) => {
    const event = createEvent(type, data, typeof data.userId === 'string' ? data.userId : undefined);
    if (occurredAt) event.occurredAt = occurredAt.toISOString();
    await (await env.bus('identity')).publish(event);
    return event;
  };

  return {
    env,
    calls,
    url,
    advance: (ms) => void (skew += ms),
    publishIdentity,
    gql,
    seedUsers: async (...handles) => {
      const ids: Record<string, string> = {};
      for (const handle of handles) {
        const id = `u${++counter}_${handle}`;
        ids[handle] = id;
        await publishIdentity('identity.v1.user.created', { userId: id, handle, displayName: handle });
      }
      await eventually(async () => {
        const found = await calls.services.users.countDocuments({ _id: { $in: Object.values(ids) } });
        if (found !== handles.length) throw new Error(`only ${found} of ${handles.length} users projected`);
      });
      return ids;
    },
    userFields: (viewerId, userId, selection, variables = {}, varDefs = '') =>
      gql(
        viewerId,
        `query($reps: [_Any!]!${varDefs}) { _entities(representations: $reps) { ... on User { ${selection} } } }`,
        { reps: [{ __typename: 'User', id: userId }], ...variables },
      ),
    events: async (subject) => {
      await calls.relay.flush();
      const jsm = await calls.bus.nc.jetstreamManager();
      const found: EventEnvelope[] = [];
      let seq = 0;
      for (;;) {
        try {
          const message = await jsm.streams.getMessage('CALLS', { seq: seq + 1, next_by_subj: subject } as unknown as Parameters<typeof jsm.streams.getMessage>[1]);
          seq = message.seq;
          found.push(JSON.parse(Buffer.from(message.data).toString('utf8')));
        } catch {
          return found;
        }
      }
    },
    close: async () => {
      await calls.close();
      await env.stop();
    },
  };
}

export const CALL_FIELDS = 'id kind status startedAt answeredAt endedAt anonymized participants { id } caller { id } callee { id } encryption { enabled changedAt history { enabled changedAt changedBy { id } } }';

export async function startCall(h: CallsHarness, callerId: string | null, calleeHandle: string, extra: { encrypted?: boolean; kind?: string } = {}) {
  return h.gql(
    callerId,
    `mutation($h: String!, $k: CallKind!, $e: Boolean) { startCall(calleeHandle: $h, kind: $k, encrypted: $e) { ${CALL_FIELDS} } }`,
    { h: calleeHandle, k: extra.kind ?? 'AUDIO', e: extra.encrypted },
  );
}

/** Starts a call that must succeed; returns its id. */
export async function callOk(h: CallsHarness, callerId: string, calleeHandle: string, extra: { encrypted?: boolean } = {}): Promise<string> {
  const res = await startCall(h, callerId, calleeHandle, extra);
  if (res.body.errors) throw new Error(`startCall failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.startCall.id;
}

export async function act(h: CallsHarness, userId: string, mutation: 'acceptCall' | 'declineCall' | 'endCall', callId: string) {
  return h.gql(userId, `mutation($id: ID!) { ${mutation}(callId: $id) { ${CALL_FIELDS} } }`, { id: callId });
}

export const codeOf = (res: GraphQLResponse) => res.body.errors?.[0]?.extensions?.code;
