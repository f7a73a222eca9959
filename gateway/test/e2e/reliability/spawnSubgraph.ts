import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { getFreePort } from '@profile-graph/dev-services';

export interface SubgraphProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** stdout and stderr so far (pino JSON lines and the fault-injection notice). */
  output(): string;
  /** Resolves with the exit code or signal. */
  exited: Promise<string>;
  /** SIGTERM and wait (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '../../../..');

/** Starts `subgraphs/<name>/src/main.ts` as its own process and waits for /ready. */
export function spawnSubgraph(name: string, env: NodeJS.ProcessEnv, port?: number): Promise<SubgraphProcess> {
  return spawnService(name, join(ROOT, 'subgraphs', name, 'src', 'main.ts'), env, [], port);
}

/**
 * Starts the gateway (`gateway/src/main.ts`) over the committed supergraph as its own process and waits for /ready.
 * nodeArgs go to node itself (a `--require` hook, say).
 */
export function spawnGateway(env: NodeJS.ProcessEnv, port?: number, options: SpawnOptions = {}): Promise<SubgraphProcess> {
  return spawnService('gateway', join(ROOT, 'gateway', 'src', 'main.ts'), env, ['--supergraph', join(ROOT, 'schema', 'supergraph.graphql')], port, options);
}

export interface SpawnOptions {
  readyTimeoutMs?: number;
  nodeArgs?: string[];
}

async function spawnService(name: string, entry: string, env: NodeJS.ProcessEnv, args: string[], port?: number, { readyTimeoutMs = 30_000, nodeArgs = [] }: SpawnOptions = {}): Promise<SubgraphProcess> {
  const chosen = port ?? (await getFreePort());
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, 'runTs.js'), entry, ...args], {
    env: { ...env, PORT: String(chosen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
  const url = `http://127.0.0.1:${chosen}/graphql`;
  const deadline = Date.now() + readyTimeoutMs;
  let gone: string | null = null;
  void exited.then((how) => (gone = how));
  for (;;) {
    if (gone) throw new Error(`${name} exited (${gone}) before it was ready: ${output.slice(-2000)}`);
    const ok = await fetch(url.replace('/graphql', '/ready')).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${readyTimeoutMs / 1000} s: ${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: chosen,
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
