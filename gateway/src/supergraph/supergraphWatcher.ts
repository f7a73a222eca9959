import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Editors and `npm run compose` write in bursts (truncate, write, rename): one reload per burst. */
const SETTLE_MS = 200;

/**
 * Calls `onChange` once the supergraph file has changed and settled. The
 * directory is watched rather than the file, because a file replaced by
 * rename (how most tools save) would leave a watch on the old inode.
 */
export function watchSupergraph(path: string, onChange: () => void): { close(): void } {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  });
  // A watch that fails later (the directory removed) must not take the gateway down; SIGHUP still reloads.
  watcher.on('error', () => watcher.close());
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
