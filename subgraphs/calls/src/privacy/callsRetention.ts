import { daysToMs, type EventBus, type RetentionPolicy } from '@profile-graph/kit';
import type { CallsServices } from '../callsServices';
import { signalSubject } from '../signals/signalRelay';

const STREAM = 'CALLS';
const SIGNALS = signalSubject('*').replace('*', '>');
/** Most signal subjects purged per pass; the next pass goes on. */
const MAX_SUBJECTS_PER_PASS = 10_000;
const HOUR_MS = 3600 * 1000;

type JetStreamManager = Awaited<ReturnType<EventBus['nc']['jetstreamManager']>>;
type MsgRequest = Parameters<JetStreamManager['streams']['getMessage']>[1];

/**
 * Call history: calls that ended (or rang out) before the cutoff go, with
 * their change log. Signaling payloads (SDP/ICE on the CALLS stream) are
 * purged when a call ends; the sweep catches those of calls that never
 * ended cleanly (a crash, a lost client), oldest first.
 */
export function callsRetentionPolicies(deps: { services: Pick<CallsServices, 'calls' | 'changes'>; bus: EventBus; callHistoryDays: number; signalingPayloadHours: number }): RetentionPolicy[] {
  const { calls, changes } = deps.services;
  return [
    {
      kind: 'call_history',
      retentionMs: daysToMs(deps.callHistoryDays),
      sweep: async (cutoff) => {
        let removed = 0;
        for (;;) {
          const due = await calls.find({ phase: 'CLOSED', startedAt: { $lt: cutoff } }).select({ _id: 1 }).limit(500).lean();
          if (due.length === 0) return removed;
          const ids = due.map((call) => call._id);
          await changes.deleteMany({ callId: { $in: ids } });
          removed += (await calls.deleteMany({ _id: { $in: ids } })).deletedCount;
        }
      },
    },
    {
      kind: 'signaling_payloads',
      retentionMs: deps.signalingPayloadHours * HOUR_MS,
      sweep: async (cutoff) => {
        const jsm = await deps.bus.nc.jetstreamManager();
        let purged = 0;
        let seq = 0;
        for (let round = 0; round < MAX_SUBJECTS_PER_PASS; round += 1) {
          let message;
          try {
            message = await jsm.streams.getMessage(STREAM, { seq: seq + 1, next_by_subj: SIGNALS } as unknown as MsgRequest);
          } catch (error) {
            if (/no message found/i.test(String((error as Error).message))) break;
            throw error;
          }
          const { sentAt } = JSON.parse(Buffer.from(message.data).toString('utf8')) as { sentAt?: string };
          // The stream is in time order: the first signal young enough ends the pass.
          if (sentAt && Date.parse(sentAt) >= cutoff.getTime()) break;
          // Everything of this call's subject up to here is at least as old.
          purged += (await jsm.streams.purge(STREAM, { filter: message.subject, seq: message.seq + 1 })).purged;
          seq = message.seq;
        }
        return purged;
      },
    },
  ];
}
