import type { OutboxRelay } from '@profile-graph/kit';
import type { Logger } from 'pino';
import type { UserModel } from '../models/userModel';
import { destroyBiometric } from './destroyBiometric';

const BATCH = 200;

/**
 * Destroys every template past its retention date (the last interaction plus
 * the retention period), on a timer. Safe with several instances sweeping at
 * once: each destruction is a conditional write (see destroyBiometric).
 */
export class BiometricRetentionSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: { users: UserModel; relay: OutboxRelay; clock: () => Date; logger: Logger; intervalMs: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce().catch((error) => this.deps.logger.warn({ err: error }, 'biometric retention sweep failed; will retry')), this.deps.intervalMs);
    this.timer.unref();
    void this.runOnce().catch((error) => this.deps.logger.warn({ err: error }, 'biometric retention sweep failed; will retry'));
  }

  /** One pass at the clock's current time; resolves with how many templates it destroyed. */
  runOnce(): Promise<number> {
    this.running ??= this.sweep().finally(() => (this.running = null));
    return this.running;
  }

  private async sweep(): Promise<number> {
    const { users, relay, clock, logger } = this.deps;
    const now = clock();
    let destroyed = 0;
    let seen = new Set<string>();
    for (;;) {
      const due = await users
        .find({ 'biometric.retentionUntil': { $lte: now }, _id: { $nin: [...seen] } })
        .select({ 'biometric.enrollmentId': 1, 'biometric.enrolledAt': 1 })
        .limit(BATCH)
        .lean();
      for (const user of due) {
        seen.add(user._id);
        if (user.biometric && (await destroyBiometric(users, user._id, user.biometric, 'RETENTION_EXPIRED', now))) destroyed += 1;
      }
      if (due.length < BATCH) break;
      if (seen.size > 100_000) seen = new Set();
    }
    if (destroyed > 0) {
      relay.kick();
      logger.info({ destroyed }, 'biometric templates past retention destroyed');
    }
    return destroyed;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
