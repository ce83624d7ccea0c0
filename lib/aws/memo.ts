// The memo behind every SDK client getter (./clients, ./s3, ./ssm). It lives apart from the
// clients so that a module needing one client does not load the others' SDK packages.

/** Every memoised client getter created so far, so that resetMemos() forgets them all. */
const getters = new Set<{ reset(): void }>();

export type ClientGetter<T> = (() => T) & { reset(): void };

/**
 * A getter for one client, built on first use and kept, as in a Lambda container whose settings
 * (region, endpoints, credentials) never change; reset() destroys it, so that the next call builds
 * one from the settings of then (lib/container, when a process changes its environment).
 */
export function memo<T extends { destroy(): void }>(make: () => T): ClientGetter<T> {
  let built: T | undefined;
  const get = (): T => (built ??= make());
  const reset = () => {
    built?.destroy();
    built = undefined;
  };
  const getter = Object.assign(get, { reset });
  getters.add(getter);
  return getter;
}

/** Forget every client built through memo() (the next call builds a fresh one). */
export function resetMemos(): void {
  for (const getter of getters) getter.reset();
}
