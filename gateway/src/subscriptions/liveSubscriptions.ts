import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { AppError, authorizeField, type ErrorCode, type Logger, type Viewer } from '@profile-graph/core';
import type { AuthRequirements } from '../authorization/readAuthRequirements';
import { tokenExpiresAtMs } from '../auth/tokenExpiresAtMs';
import { rateLimitKey } from '../limits/rateLimitKey';
import { topics, type LiveEvent, type LiveEvents } from './liveEvents';
import { argumentString, argumentValue, clientSelection, field, intValue, liveQuery, liveRoot, selections, stringValue, variable, type LiveRoot } from './liveQueries';
import { LiveStream } from './liveStream';

/** The credential headers a live event's query is sent with: the subscriber's own, nothing else. */
export const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-operator-token', 'x-service-token'] as const;

/** A query through the gateway's own pipeline, as the subscriber: status and GraphQL body. */
export type RunQuery = (credentials: Record<string, string>, query: string, variables: Record<string, unknown>) => Promise<{ status: number; body: ExecutionResult }>;

export interface LiveSubscriptionsOptions {
  events: Promise<LiveEvents | undefined>;
  runQuery: RunQuery;
  /** The same check the request path makes: resolves the credentials to a viewer or rejects. */
  authenticate(headers: Headers): Promise<Viewer>;
  /** The current supergraph's @authenticated / @requiresScopes (a getter: a reload replaces them). */
  requirements: () => AuthRequirements;
  maxPerViewer: number;
  logger: Logger;
  /** Told the number of open subscriptions whenever it changes (the subscriptions_open gauge). */
  onCount?: (open: number) => void;
}

const SIGNAL_PAGE = 20;
const LIVE_STATUSES = new Set(['RINGING', 'ACTIVE']);
/** Subscriptions about "me": only a signed-in user has one. */
const PERSONAL = new Set(['incomingCall', 'myConsentChanged']);
/** Erasure progress is recorded by consent's own consumer of the same event: read again briefly until it shows. */
const PROGRESS_RETRIES_MS = [25, 50, 100, 200, 400, 800];

const frameError = (code: ErrorCode, message: string): ExecutionResult => ({ errors: [new AppError(code, message)] });

/** A subgraph's error as the client would get it from the query, its path moved from the query's shape to the subscription's. */
function relocate(errors: readonly Record<string, unknown>[] | undefined, path: (p: (string | number)[]) => (string | number)[] | null): GraphQLError[] {
  const out: GraphQLError[] = [];
  for (const error of errors ?? []) {
    const original = Array.isArray(error['path']) ? (error['path'] as (string | number)[]) : undefined;
    const moved = original ? path(original) : undefined;
    if (moved === null) continue;
    out.push(new GraphQLError(String(error['message'] ?? 'Error'), { ...(moved ? { path: moved } : {}), extensions: (error['extensions'] as Record<string, unknown>) ?? {} }));
  }
  return out;
}

/** When the subscriber's bearer token expires (already verified at subscribe time: only its expiry is read here). */
function tokenExpiry(credentials: Record<string, string>): number | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(credentials['authorization'] ?? '')?.[1];
  return token ? tokenExpiresAtMs(token) : undefined;
}

interface Open {
  viewerKey: string;
  credentials: Record<string, string>;
  stream: LiveStream;
  recheck(): Promise<void>;
}

/**
 * Subscriptions resolved at the gateway from NATS events. Each event is only a
 * trigger: what the client receives is the result of the matching query run
 * through the gateway's normal pipeline with the subscriber's credentials at
 * that moment, so authentication, @authenticated / @requiresScopes, recipient
 * rules and consent are decided per event by the same code as for queries.
 */
export class LiveSubscriptions {
  private readonly open = new Set<Open>();
  private readonly perViewer = new Map<string, number>();
  private closing = false;

  constructor(private readonly options: LiveSubscriptionsOptions) {}

  get size(): number {
    return this.open.size;
  }

  /** The subscribe function the engine runs for subscription operations. */
  async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const context = (args.contextValue ?? {}) as { viewer?: Viewer; request?: Request };
    const viewer = context.viewer;
    if (!viewer || !context.request) return frameError('BAD_REQUEST', 'Subscriptions are served on /graphql over SSE or WebSocket.');
    if (this.closing) return frameError('SERVICE_UNAVAILABLE', 'The gateway is shutting down; reconnect to subscribe.');
    const events = await this.options.events;
    if (!events) return frameError('SERVICE_UNAVAILABLE', 'Subscriptions are not available on this gateway (it has no NATS_URL).');
    if (!events.isConnected) return frameError('SERVICE_UNAVAILABLE', 'Live events are interrupted right now; subscribe again shortly.');
    const root = liveRoot(args.document, args.operationName);
    if (typeof root === 'string') return frameError('BAD_USER_INPUT', root);
    const requirement = this.options.requirements().fields.get(`Subscription.${root.field.name.value}`);
    if (requirement && !authorizeField(viewer, requirement)) {
      return { errors: [new GraphQLError('Sign in, or use an API key with the scope it needs, to subscribe to this.', { path: [root.responseKey], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } })] };
    }
    const viewerKey = rateLimitKey(viewer);
    if ((this.perViewer.get(viewerKey) ?? 0) >= this.options.maxPerViewer) {
      return frameError('RATE_LIMITED', `At most ${this.options.maxPerViewer} subscriptions may be open at once for one viewer; close one first.`);
    }
    const credentials: Record<string, string> = {};
    for (const header of CREDENTIAL_HEADERS) {
      const value = context.request.headers.get(header);
      if (value !== null) credentials[header] = value;
    }
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;

    const cleanups: (() => void)[] = [];
    const stream = new LiveStream(() => {
      for (const cleanup of cleanups) cleanup();
      this.open.delete(entry);
      this.options.onCount?.(this.open.size);
      const left = (this.perViewer.get(viewerKey) ?? 1) - 1;
      if (left > 0) this.perViewer.set(viewerKey, left);
      else this.perViewer.delete(viewerKey);
    });
    const entry: Open = {
      viewerKey,
      credentials,
      stream,
      recheck: async () => {
        if (!stream.isOpen) return;
        try {
          await this.options.authenticate(new Headers(credentials));
        } catch (error) {
          const code = error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE' ? 'SERVICE_UNAVAILABLE' : 'UNAUTHENTICATED';
          stream.end(
            code === 'UNAUTHENTICATED'
              ? frameError(code, 'Your credential is no longer valid (signed out, expired, revoked or account deleted); sign in and subscribe again.')
              : frameError(code, 'Credentials cannot be checked right now; subscribe again shortly.'),
          );
        }
      },
    };
    this.open.add(entry);
    this.options.onCount?.(this.open.size);
    this.perViewer.set(viewerKey, (this.perViewer.get(viewerKey) ?? 0) + 1);

    const expiresAt = tokenExpiry(credentials);
    if (expiresAt !== undefined) {
      const timer = setTimeout(() => void entry.recheck(), Math.min(Math.max(expiresAt - Date.now() + 50, 0), 2 ** 31 - 1));
      timer.unref();
      cleanups.push(() => clearTimeout(timer));
    }

    // One event at a time per subscription, in arrival order: signals stay in order and a slow query never overtakes.
    let chain: Promise<void> = Promise.resolve();
    const serial = (task: () => Promise<void>) => {
      chain = chain.then(() => (stream.isOpen ? task() : undefined)).catch((error: unknown) => {
        this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'live event failed');
        stream.end(frameError('SERVICE_UNAVAILABLE', 'The subscription stopped because an event could not be resolved; subscribe again and catch up with the cursor queries.'));
      });
    };
    const run = async (query: string, extra: Record<string, unknown> = {}) => {
      const { status, body } = await this.options.runQuery(credentials, query, { ...variables, ...extra });
      if (status === 401) {
        stream.end(frameError('UNAUTHENTICATED', 'Your credential is no longer valid (signed out, expired, revoked or account deleted); sign in and subscribe again.'));
        return undefined;
      }
      if (status !== 200) {
        stream.end({ errors: relocate(body.errors as never, (p) => p) });
        return undefined;
      }
      return body;
    };
    // A subscription that ended while its first query ran must not start listening after its cleanup.
    const listen = (topic: string, handler: (event: LiveEvent) => void) => {
      if (stream.isOpen) cleanups.push(events.listen(topic, handler));
    };

    const driver = this.drivers[root.field.name.value as keyof LiveSubscriptions['drivers']];
    if (!driver) {
      stream.end(frameError('BAD_USER_INPUT', `${root.field.name.value} is not a subscription this gateway serves.`));
      return stream;
    }
    if (PERSONAL.has(root.field.name.value) && (viewer.kind !== 'user' || !viewer.userId)) {
      stream.end(frameError('UNAUTHENTICATED', `${root.field.name.value} is about the signed-in user: sign in as a user (Bearer token) to subscribe.`));
      return stream;
    }
    driver({ root, viewer, stream, serial, run, listen, arg: (argName) => argumentString(root, argName, variables) });
    return stream;
  }

  private readonly drivers = {
    incomingCall: ({ root, viewer, stream, serial, run, listen }: DriverArgs) => {
      const query = liveQuery(root, field('call', { id: variable('liveCallId') }, clientSelection(root)), { liveCallId: 'ID!' });
      listen(topics.incoming(viewer.userId ?? ''), (event) =>
        serial(async () => {
          if (!('callId' in event)) return;
          const body = await run(query, { liveCallId: event.callId });
          if (body) stream.push(callFrame(root, body));
        }),
      );
    },
    callUpdated: ({ root, stream, serial, run, listen, arg }: DriverArgs) => {
      const callId = argumentValue(root, 'callId');
      // One query for the first check and every event: the client's selection plus the id and status the gateway needs
      // (under aliases of its own, removed before the client sees them).
      const query = liveQuery(root, field('call', { id: callId }, selections(field('id', {}, undefined, '_liveId'), field('status', {}, undefined, '_liveStatus'), ...clientSelection(root).selections)));
      const read = async () => {
        const body = await run(query);
        if (!body) return undefined;
        const call = body.data?.[root.responseKey] as ({ _liveId: string; _liveStatus: string } & Record<string, unknown>) | null | undefined;
        if (!call) {
          stream.end(callFrame(root, body));
          return undefined;
        }
        const { _liveId: id, _liveStatus: status, ...visible } = call;
        return { id, status, frame: callFrame(root, { ...body, data: { [root.responseKey]: visible } }) };
      };
      // What the subscriber's selection showed last (at first the state when it subscribed): an event that changed
      // nothing it selected, or that arrived late for a state already read (a call's start, relayed after the
      // subscription opened), sends no frame.
      let last: string | undefined;
      const onEvent = (event: LiveEvent) =>
        serial(async () => {
          const next = await read();
          if (!next) return;
          const shown = JSON.stringify(next.frame);
          if (shown !== last) {
            last = shown;
            stream.push(next.frame);
          }
          if (('ended' in event && event.ended) || !LIVE_STATUSES.has(next.status)) stream.end();
        });
      const asked = arg('callId') ?? '';
      // Listening starts now, before the first read: an event heard while it runs is queued behind it, not lost.
      // Its handler only re-runs the subscriber's own query, so a caller who may not see the call learns nothing
      // from it, and the first read ends the subscription (and with it the listener) for them.
      listen(topics.call(asked), onEvent);
      serial(async () => {
        const first = await read();
        if (!first) return;
        // A call that is already over changes no more: its final state, and done.
        if (!LIVE_STATUSES.has(first.status)) return stream.end(first.frame);
        last = JSON.stringify(first.frame);
        if (first.id !== asked) listen(topics.call(first.id), onEvent);
      });
    },
    callSignal: ({ root, stream, serial, run, listen, arg }: DriverArgs) => {
      const callId = argumentValue(root, 'callId');
      let cursor = '0';
      const page = () =>
        liveQuery(root, field('callSignals', { callId, after: stringValue(cursor), first: intValue(SIGNAL_PAGE) }, selections(field('signals', {}, clientSelection(root)), field('endCursor', {}))));
      // Signals live only while the call does: a subscriber first gets those already sent (an offer sent before the callee subscribed), then each new one.
      const drain = async (): Promise<boolean> => {
        for (;;) {
          const body = await run(page());
          if (!body) return false;
          const result = body.data?.[root.responseKey] as { signals: unknown[]; endCursor: string } | null | undefined;
          if (!result) {
            stream.end({ errors: relocate(body.errors as never, (p) => p) });
            return false;
          }
          result.signals.forEach((signal, index) => {
            const errors = relocate(body.errors as never, (p) => (p[1] === 'signals' && p[2] === index ? [root.responseKey, ...p.slice(3)] : null));
            stream.push({ data: { [root.responseKey]: signal }, ...(errors.length ? { errors } : {}) });
          });
          cursor = result.endCursor;
          if (result.signals.length < SIGNAL_PAGE) return true;
        }
      };
      const id = arg('callId') ?? '';
      // Listening starts before the first drain, so a signal sent while it reads is drained after it, not missed.
      // Each drain reads everything after the cursor, so one queued drain covers every signal heard before it starts.
      let queued = false;
      listen(topics.signal(id), () => {
        if (queued) return;
        queued = true;
        serial(async () => {
          queued = false;
          await drain();
        });
      });
      listen(topics.call(id), (event) => {
        if ('ended' in event && event.ended) serial(async () => stream.end());
      });
      serial(async () => {
        await drain();
      });
    },
    myConsentChanged: ({ root, viewer, stream, serial, run, listen }: DriverArgs) => {
      const query = liveQuery(root, field('me', {}, selections(field('consents', {}, selections(field('purpose', {}, undefined, '_livePurpose'), ...clientSelection(root).selections)))));
      listen(topics.consent(viewer.userId ?? ''), (event) =>
        serial(async () => {
          if (!('purpose' in event)) return;
          const body = await run(query);
          if (!body) return;
          const consents = (body.data?.[root.responseKey] as { consents?: ({ _livePurpose: string } & Record<string, unknown>)[] } | null)?.consents;
          const index = consents?.findIndex((consent) => consent._livePurpose === event.purpose) ?? -1;
          if (!consents || index < 0) return stream.end({ errors: relocate(body.errors as never, (p) => p) });
          const { _livePurpose: _, ...consent } = consents[index]!;
          const errors = relocate(body.errors as never, (p) => (p[1] === 'consents' && p[2] === index ? [root.responseKey, ...p.slice(3)] : null));
          stream.push({ data: { [root.responseKey]: consent }, ...(errors.length ? { errors } : {}) });
        }),
      );
    },
    privacyRequestUpdated: ({ root, stream, serial, run, listen, arg }: DriverArgs) => {
      const id = argumentValue(root, 'id');
      const query = liveQuery(root, field('privacyRequest', { id }, selections(field('status', {}, undefined, '_liveStatus'), field('progress', {}, selections(field('status', {})), '_liveProgress'), ...clientSelection(root).selections)));
      let last = '';
      const emit = (body: ExecutionResult): boolean => {
        const request = body.data?.[root.responseKey] as ({ _liveStatus: string; _liveProgress: unknown } & Record<string, unknown>) | null | undefined;
        if (!request) {
          stream.end(body.errors?.length ? { errors: relocate(body.errors as never, (p) => p) } : frameError('NOT_FOUND', 'No privacy request has this id.'));
          return false;
        }
        const { _liveStatus: status, _liveProgress: progress, ...visible } = request;
        const seen = JSON.stringify([status, progress]);
        if (seen === last) return false;
        last = seen;
        stream.push({ data: { [root.responseKey]: visible }, ...(body.errors?.length ? { errors: relocate(body.errors as never, (p) => p) } : {}) });
        if (status === 'COMPLETED') stream.end();
        return true;
      };
      // Listening starts before the first read, so progress recorded while it runs is read after it, not missed.
      listen(topics.privacy(arg('id') ?? ''), () =>
        serial(async () => {
          for (const wait of PROGRESS_RETRIES_MS) {
            const body = await run(query);
            if (!body || emit(body) || !stream.isOpen) return;
            await new Promise((resolve) => setTimeout(resolve, wait));
          }
        }),
      );
      serial(async () => {
        const first = await run(query);
        if (first) emit(first);
      });
    },
  };

  /** Re-checks every open subscription's credential now: a sign-out, key revocation or account deletion has just been announced. */
  recheckAll(): Promise<void> {
    return Promise.all([...this.open].map((entry) => entry.recheck())).then(() => undefined);
  }

  /** Ends every subscription with a last frame saying why; new ones are refused from now on. */
  closeAll(): void {
    this.closing = true;
    for (const entry of [...this.open]) entry.stream.end(frameError('SERVICE_UNAVAILABLE', 'The gateway is shutting down; reconnect and catch up with the cursor queries.'));
  }

  /** Ends every subscription: events may have been missed (NATS lost), and at-most-once must not look like "nothing happened". */
  endAll(code: ErrorCode, message: string): void {
    for (const entry of [...this.open]) entry.stream.end(frameError(code, message));
  }
}

interface DriverArgs {
  root: LiveRoot;
  viewer: Viewer;
  stream: LiveStream;
  serial(task: () => Promise<void>): void;
  run(query: string, extra?: Record<string, unknown>): Promise<ExecutionResult | undefined>;
  listen(topic: string, handler: (event: LiveEvent) => void): void;
  /** A root argument's string value (literal or variable). */
  arg(name: string): string | undefined;
}

function callFrame(root: LiveRoot, body: ExecutionResult): ExecutionResult {
  const errors = relocate(body.errors as never, (p) => p);
  const data = body.data?.[root.responseKey];
  return data ? { data: { [root.responseKey]: data }, ...(errors.length ? { errors } : {}) } : { errors };
}
