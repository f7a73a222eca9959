interface GuardLogger {
  error(obj: object, msg: string): void;
  fatal?(obj: object, msg: string): void;
}

export interface ProcessGuardOptions {
  /** Service name for the exit line. */
  name: string;
  logger: GuardLogger;
  /** Counts each survived fault by kind ('unhandled_rejection', 'uncaught_exception'). */
  onFault?: (kind: 'unhandled_rejection' | 'uncaught_exception') => void;
  /** This many uncaught exceptions within `windowMs` mean the process is broken: it exits on purpose. */
  maxUncaught?: number;
  windowMs?: number;
  /** Test seam; defaults to process.exit. */
  exit?: (code: number) => void;
}

/**
 * Keeps one bad request from ending the process (Node's default for an
 * uncaught exception or unhandled rejection is to exit, which would let any
 * anonymous caller stop the service). Faults are logged with their stack
 * (they are our bugs) and counted. A process that keeps faulting is broken
 * rather than unlucky: after `maxUncaught` uncaught exceptions in `windowMs`
 * it exits with one clear line, so the supervisor restarts a clean one.
 * Returns a function that removes the handlers.
 */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const maxUncaught = options.maxUncaught ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let recent: number[] = [];

  const onRejection = (reason: unknown) => {
    options.onFault?.('unhandled_rejection');
    options.logger.error({ err: reason }, 'unhandled promise rejection; the process carries on');
  };
  const onException = (error: unknown) => {
    options.onFault?.('uncaught_exception');
    const now = Date.now();
    recent = [...recent.filter((at) => now - at < windowMs), now];
    if (recent.length >= maxUncaught) {
      (options.logger.fatal ?? options.logger.error).call(options.logger, { err: error }, 'uncaught exception');
      process.stderr.write(`${options.name}: exiting on purpose: ${recent.length} uncaught exceptions within ${windowMs / 1000} s; the supervisor should restart it\n`);
      exit(70);
      return;
    }
    options.logger.error({ err: error }, 'uncaught exception; the process carries on');
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
