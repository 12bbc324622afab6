/** Notifies waiters that something in the fake's state changed. */
export class ChangeFeed {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Resolves with the first non-undefined result of `check`, re-evaluated on
 * every state change. Polling-free, so a test waiting for a reply costs no
 * CPU and resolves the moment the request is processed.
 */
export function waitUntil<T>(
  feed: ChangeFeed,
  check: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  const immediate = check();
  if (immediate !== undefined) return Promise.resolve(immediate);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(timeoutError());
    }, timeoutMs);
    const unsubscribe = feed.subscribe(() => {
      let value: T | undefined;
      try {
        value = check();
      } catch (err) {
        clearTimeout(timer);
        unsubscribe();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (value === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}
