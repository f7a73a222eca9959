import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@profile-graph/kit/testing';

// `npm start`'s launcher (scripts/lib/processGroup.js): a service that crashes is restarted with backoff instead of the whole graph being stopped.
const { ProcessGroup } = require('../../../scripts/lib/processGroup.js') as {
  ProcessGroup: new (options?: {
    restart?: Record<string, number>;
    log?: (line: string) => void;
    formatLine?: (line: string) => string;
    print?: (line: string) => void;
  }) => {
    start(name: string, args: string[], env: NodeJS.ProcessEnv, options?: { restart?: boolean }): unknown;
    stop(graceMs?: number): Promise<void>;
  };
};

const { createPrettyLogLine } = require('../../../scripts/lib/prettyLogLine.js') as {
  createPrettyLogLine: (options?: { colorize?: boolean }) => (line: string) => string;
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

  it('prints each JSON log event of a service as one readable line, and other output as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pretty-'));
    const script = join(dir, 'service.js');
    // What a pino logger writes: one JSON object per line; an error carries a multi-line stack.
    writeFileSync(
      script,
      `console.log(JSON.stringify({ level: 30, time: Date.UTC(2026, 11, 3, 8, 30, 1, 5), pid: 1, hostname: 'h', name: 'probe', msg: 'ready', url: 'http://x/' }));
       console.log(JSON.stringify({ level: 50, time: Date.now(), pid: 1, hostname: 'h', name: 'probe', msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\\n    at f' } }));
       console.log('not json');
       console.log('{"json":"but not a log line"}');`,
    );
    const printed: string[] = [];
    const group = new ProcessGroup({ formatLine: createPrettyLogLine(), print: (line) => printed.push(line) });
    try {
      group.start('probe', [script], process.env);
      await eventually(async () => {
        if (printed.length < 4) throw new Error(`only ${printed.length} lines`);
      }, 10_000);
    } finally {
      await group.stop(2_000);
    }
    expect(printed).toHaveLength(4);
    expect(printed[0]).toMatch(/^\[probe {3}\] \[\d\d:\d\d:\d\d\.\d{3}\] INFO: ready \{"url":"http:\/\/x\/"\}$/);
    // pid, hostname and the service name (already in the prefix) are left out.
    expect(printed[0]).not.toMatch(/hostname|pid|"name"/);
    expect(printed[1]).toMatch(/^\[probe {3}\] \[[\d:.]+\] ERROR: failed \{"err":\{"type":"Error","message":"boom","stack":"Error: boom\\n {4}at f"\}\}$/);
    expect(printed[2]).toBe('[probe   ] not json');
    expect(printed[3]).toBe('[probe   ] {"json":"but not a log line"}');
  });
});
