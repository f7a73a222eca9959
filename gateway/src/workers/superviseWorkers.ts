import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@profile-graph/core';

/** What a worker tells the primary once its gateway listens (main.ts). */
export interface WorkerReady {
  type: 'gateway-ready';
  url: string;
}

export function isWorkerReady(message: unknown): message is WorkerReady {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'gateway-ready';
}

/** A worker that dies this soon after it started counts as failing to start. */
const EARLY_EXIT_MS = 10_000;
/** Failed starts in a row before the primary gives up (a bad config or supergraph fails every worker the same way). */
const MAX_EARLY_EXITS = 5;
const RESTART_DELAY_MS = 1_000;
/** Time given to workers on shutdown before they are killed; more than createGateway's own drain (10 s). */
const STOP_TIMEOUT_MS = 15_000;

/**
 * The primary of GATEWAY_WORKERS > 1: forks `count` workers that each run the
 * whole gateway and share the listening port (node:cluster hands each new
 * connection to one of them). It holds no gateway state: rate limits and
 * revocations are shared through NATS KV, which is what makes N workers one
 * gateway, exactly as N replicas are (sharedTokenBucketLimiter.ts).
 *
 * A worker that dies is replaced; SIGTERM/SIGINT go to every worker, which
 * drain as a single gateway does, and the primary exits once they have (a
 * second signal kills them at once); SIGHUP (reload the supergraph) is passed on.
 */
export function superviseWorkers(options: { count: number; logger: Logger }): void {
  const { count, logger } = options;
  let stopping = false;
  let exitCode = 0;
  let earlyExits = 0;
  let announced = false;
  const started = new Map<Worker, number>();
  const ready = new Set<Worker>();

  const fork = () => {
    const worker = cluster.fork();
    started.set(worker, Date.now());
    worker.on('message', (message: unknown) => {
      if (!isWorkerReady(message)) return;
      ready.add(worker);
      earlyExits = 0;
      logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'gateway worker ready');
      if (!announced && ready.size === count) {
        announced = true;
        logger.info({ url: message.url, workers: count }, `gateway ready at ${message.url} (${count} workers)`);
      }
    });
  };

  const stop = (signal: NodeJS.Signals, code = 0) => {
    if (stopping) {
      // A second Ctrl-C means "now".
      for (const worker of started.keys()) worker.process.kill('SIGKILL');
      process.exit(130);
    }
    stopping = true;
    exitCode = code;
    logger.info({ signal, workers: started.size }, 'shutting down the gateway workers');
    if (started.size === 0) process.exit(exitCode);
    for (const worker of started.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of started.keys()) worker.process.kill('SIGKILL');
      process.exit(exitCode || 1);
    }, STOP_TIMEOUT_MS).unref();
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker) ?? 0);
    started.delete(worker);
    ready.delete(worker);
    if (stopping) {
      if (started.size === 0) process.exit(exitCode);
      return;
    }
    earlyExits = lived < EARLY_EXIT_MS ? earlyExits + 1 : 0;
    if (earlyExits >= MAX_EARLY_EXITS) {
      logger.error({ worker: worker.id, code, signal }, `gateway workers failed to start ${MAX_EARLY_EXITS} times in a row; giving up`);
      stop('SIGTERM', 1);
      return;
    }
    logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'gateway worker exited; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });

  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => {
    for (const worker of started.keys()) worker.process.kill('SIGHUP');
  });

  for (let i = 0; i < count; i += 1) fork();
}
