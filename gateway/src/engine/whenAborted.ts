interface Watch {
  callbacks: Set<() => void>;
  listener: () => void;
}

const watched = new WeakMap<AbortSignal, Watch>();

/**
 * Runs `callback` once `signal` aborts; returns the function that cancels
 * that. However many callers wait on one signal, it carries one 'abort'
 * listener, gone once nobody waits.
 *
 * Why: the HTTP executor hands every subgraph fetch the same long-lived
 * dispose signal. One listener per call in flight on it is a listener count
 * that grows with concurrency, which Node reports as a leak
 * (MaxListenersExceededWarning past 10) and which costs a registration per call.
 */
export function whenAborted(signal: AbortSignal, callback: () => void): () => void {
  let watch = watched.get(signal);
  if (!watch) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      watched.delete(signal);
      for (const each of [...callbacks]) each();
    };
    watch = { callbacks, listener };
    watched.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  const current = watch;
  current.callbacks.add(callback);
  return () => {
    if (!current.callbacks.delete(callback) || current.callbacks.size > 0) return;
    if (watched.get(signal) === current) watched.delete(signal);
    signal.removeEventListener('abort', current.listener);
  };
}
