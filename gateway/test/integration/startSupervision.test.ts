import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@profile-graph/kit/testing';

// `npm start`'s launcher (scripts/lib/processGroup.js): a service that crashes is restarted with backoff instead of the whole graph being stopped.
const { ProcessGroup } = require('../../../scripts/lib/processGroup.js') as {
  ProcessGroup: new (options?: { restart?: Record<string, number>; log?: (line: string) => void }) => {
    start(name: string, args: string[], env: NodeJS.ProcessEnv, options?: { restart?: boolean }): unknown;
    stop(graceMs?: number): Promise<void>;
  };
};

describe('npm start process supervision', () => {
  it('restarts a crashed service with growing delays, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supervise-'));
    const runs = join(dir, 'runs');
    writeFileSync(runs, '');
    // Records when it started, then crashes the first two times.
    const script = join(dir, 'service.js');
    writeFileSync(
      script,
      `const fs = require('fs');
       fs.appendFileSync(${JSON.stringify(runs)}, JSON.stringify({ at: Date.now() }) + '\\n');
       const count = fs.readFileSync(${JSON.stringify(runs)}, 'utf8').trim().split('\\n').length;
       if (count <= 2) process.exit(3);
       setInterval(() => {}, 1000);`,
    );
    const lines: string[] = [];
    const group = new ProcessGroup({ restart: { firstDelayMs: 100, maxDelayMs: 1_000, stableAfterMs: 60_000 }, log: (line) => lines.push(line) });
    try {
      group.start('probe', [script], process.env, { restart: true });
      const starts = await eventually(async () => {
        const parsed = readFileSync(runs, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { at: number });
        if (parsed.length < 3) throw new Error(`only ${parsed.length} runs`);
        return parsed;
      }, 10_000);
      // Backoff: the second restart waited about twice as long as the first.
      const gaps = [starts[1]!.at - starts[0]!.at, starts[2]!.at - starts[1]!.at];
      expect(gaps[0]).toBeGreaterThanOrEqual(100);
      expect(gaps[1]).toBeGreaterThanOrEqual(200);
      expect(lines.filter((line) => /^!!! probe exited \(code 3\); restarting it in/.test(line))).toHaveLength(2);
      expect(lines.filter((line) => /^!!! probe restarted/.test(line))).toHaveLength(2);
    } finally {
      await group.stop(2_000);
    }
    // The third run stays up; nothing is restarted after stop.
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toHaveLength(3);
  });
});
