// Peak resident memory of a process from Linux's own accounting (VmHWM, the
// high-water mark since start), so no sample can miss a short spike.
import fs from 'node:fs';

/** @param {number} pid @returns {{ peakMb: number, currentMb: number } | null} */
export function readPeakRss(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakMb: Math.round(kb('VmHWM') / 102.4) / 10, currentMb: Math.round(kb('VmRSS') / 102.4) / 10 };
  } catch {
    return null;
  }
}
