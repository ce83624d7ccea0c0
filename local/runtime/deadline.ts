// Waiting for work with a bound: the timer is cleared as soon as the work settles, so a pending
// timer never holds the process open after the wait.

/** `work`'s value, or undefined once `ms` have passed first. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, ms))))]);
  } finally {
    clearTimeout(timer);
  }
}
