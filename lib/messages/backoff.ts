// Waits between polls and retries: exponential backoff with full jitter (AWS Architecture Blog,
// "Exponential Backoff And Jitter"): uniform in [0, min(cap, base·2^n)], floored at `min`.
import { MAX_DELAY_S } from './queue';

export function fullJitterS(n: number, baseS: number, capS: number, minS = 0, random: () => number = Math.random): number {
  const ceiling = Math.min(capS, baseS * 2 ** Math.max(0, n));
  return Math.max(minS, Math.round(random() * ceiling));
}

/** SQS delays stop at 900 s: a longer wait is sent as a hop with `dueAt` and re-sent until due. */
export function delayPlan(waitS: number, now = Date.now()): { delaySeconds: number; dueAt?: number } {
  if (waitS <= MAX_DELAY_S) return { delaySeconds: waitS };
  return { delaySeconds: MAX_DELAY_S, dueAt: now + waitS * 1000 };
}
