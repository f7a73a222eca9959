/**
 * Test-only faults. `crash-after-write`: the process kills itself (SIGKILL,
 * no cleanup) the moment a resolver asks the outbox relay to publish, i.e.
 * after the state change and its events are stored and before anything
 * reaches NATS. Reliability tests use it to prove that no event is lost.
 * Refused when NODE_ENV=production.
 */
export const FAULTS = ['none', 'crash-after-write'] as const;
export type Fault = (typeof FAULTS)[number];

export function assertFaultAllowed(fault: Fault, nodeEnv: string): void {
  if (fault !== 'none' && nodeEnv === 'production') {
    throw new Error(`FAULT_INJECTION=${fault} is a test setting and is refused when NODE_ENV=production`);
  }
}

export function crashNow(reason: string): never {
  process.stderr.write(`fault injection: ${reason}; killing this process (SIGKILL)\n`);
  // POSIX delivers a signal sent to oneself before kill() returns; exit is only a fallback.
  process.kill(process.pid, 'SIGKILL');
  process.exit(137);
}
