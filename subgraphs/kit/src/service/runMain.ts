import { ConfigError, hardenProcess, installProcessGuards } from '@profile-graph/core';

interface Closable {
  close(): Promise<void>;
  logger: { info: (msg: string) => void; error: (obj: object, msg: string) => void };
  metrics?: { processFaults: { inc(labels: { kind: string }): void } };
}

/**
 * The body of every `main.ts`: start, and on failure print one line (the
 * reason, never a stack) and exit 1; once running, survive stray faults
 * (installProcessGuards); on SIGINT/SIGTERM close gracefully, forcing an
 * exit if draining takes longer than `graceMs`.
 */
export function runMain(name: string, start: () => Promise<Closable>, graceMs = 10_000): void {
  hardenProcess();
  start().then(
    (service) => {
      installProcessGuards({ name, logger: service.logger, onFault: (kind) => service.metrics?.processFaults.inc({ kind }) });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        service.logger.info(`${signal} received; draining ${name}`);
        setTimeout(() => process.exit(1), graceMs).unref();
        service.close().then(
          () => process.exit(0),
          (error: unknown) => {
            service.logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (error: unknown) => {
      const message = error instanceof ConfigError ? error.message : `${(error as Error)?.message ?? String(error)}`;
      process.stderr.write(`${name}: cannot start: ${message}\n`);
      process.exit(1);
    },
  );
}
