// A process and its children (the workers of GATEWAY_WORKERS), read from /proc: the bench's CPU and
// memory figures for an entry must count every process that serves it, not only the one it started.
import fs from 'node:fs';
import { readCpuMs } from './readCpuMs.mjs';
import { readPeakRss } from './readPeakRss.mjs';

/** @param {number} pid @returns {number[]} the direct children of pid */
export function childPids(pid) {
  const children = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** CPU ms of pid and its direct children (children that exited are not counted: workers live for the run). */
export function treeCpuMs(pid) {
  return [pid, ...childPids(pid)].reduce((total, each) => total + (readCpuMs(each) ?? 0), 0);
}

/** Peak RSS of pid plus its direct children's, in MB (each process's own peak: an upper bound of the sum at any moment). */
export function treePeakRss(pid) {
  const all = [pid, ...childPids(pid)].map(readPeakRss).filter(Boolean);
  if (!all.length) return null;
  return { peakMb: Math.round(all.reduce((sum, r) => sum + r.peakMb, 0) * 10) / 10, processes: all.length };
}
