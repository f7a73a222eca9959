import type { CallsServices } from '../callsServices';
import { loadState, transitionCall } from './callChanges';
import { phaseOf } from './callState';

/**
 * Turns calls that rang longer than the timeout into MISSED. Every instance
 * may sweep: the change log lets exactly one MISSED (or the callee's answer)
 * win. The clock is injected, so tests move time instead of waiting.
 */
export class RingingSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly services: CallsServices,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep().catch((error) => this.services.logger.warn({ err: error }, 'ring-out sweep failed')), this.intervalMs);
    this.timer.unref();
  }

  /** One pass; resolves with how many calls it marked missed. */
  sweep(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { calls, clock } = this.services;
    const due = await calls.find({ phase: 'RINGING', ringingUntil: { $lte: clock() } }).sort({ ringingUntil: 1 }).limit(200).lean();
    let missed = 0;
    for (const call of due) {
      try {
        const view = await transitionCall(this.services, call, 'MISS', null);
        if (view.state?.status === 'MISSED') missed++;
      } catch {
        // Answered, declined or ended meanwhile: the call was not missed; just fix the hint.
        await transitionCallHint(this.services, call._id);
      }
    }
    return missed;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}

async function transitionCallHint(services: CallsServices, callId: string): Promise<void> {
  const call = await services.calls.findById(callId).lean();
  if (!call) return;
  const state = await loadState(services, call);
  await services.calls.updateOne({ _id: callId }, { $set: { phase: phaseOf(state.status) } });
}
