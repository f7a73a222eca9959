import cluster from 'node:cluster';
import { ConfigError, createLogger, hardenProcess, installProcessGuards } from '@profile-graph/core';
import { loadGatewayConfig } from './config/loadGatewayConfig';
import { createGateway } from './createGateway';
import { detachEngineSignalHandlers } from './engine/createEngine';
import { SupergraphError } from './supergraph/readSupergraph';
import { superviseWorkers, type WorkerReady } from './workers/superviseWorkers';

async function main(): Promise<void> {
  hardenProcess();
  const config = loadGatewayConfig();
  const logger = createLogger({ name: 'gateway', level: config.logLevel });
  // GATEWAY_WORKERS > 1: this process only supervises; each worker runs this same file as one gateway.
  if ((config.workers ?? 1) > 1 && cluster.isPrimary) {
    superviseWorkers({ count: config.workers!, logger });
    return;
  }
  const gateway = createGateway(config, { logger });
  detachEngineSignalHandlers();

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": stop waiting for in-flight requests.
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The operator's "read the supergraph again" (kill -HUP); a bad file leaves the current one serving.
  process.on('SIGHUP', () => void gateway.reload());

  const { url } = await gateway.listen();
  installProcessGuards({ name: 'gateway', logger, onFault: (kind) => gateway.metrics.processFaults.inc({ kind }) });
  if (cluster.isWorker) process.send?.({ type: 'gateway-ready', url } satisfies WorkerReady);
  else logger.info({ url }, `gateway ready at ${url}`);
  if (config.nodeEnv !== 'production') logger.info({ sandbox: new URL('/', url).href }, `Apollo Sandbox at ${new URL('/', url).href}`);
}

main().catch((error: unknown) => {
  // Operators get one line that says what to fix, not a stack trace.
  if (error instanceof ConfigError || error instanceof SupergraphError) {
    const [headline, ...problems] = error.message.split('\n').map((line) => line.trim()).filter(Boolean);
    console.error(`gateway: ${headline}${problems.length ? ` ${problems.join('; ')}` : ''}`);
  } else {
    console.error(`gateway: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
