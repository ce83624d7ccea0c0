// A bounded worker pool: at most `concurrency` jobs run at once (default: one per CPU), the rest
// wait in FIFO order. Only leaf work (one ffmpeg/ffprobe process) goes through it, so a task that
// needs several processes never holds a slot while waiting for another: no deadlock.
import { availableParallelism } from 'node:os';

export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  constructor() {
    super('the media worker pool is closed');
  }
}

export interface PoolStats {
  concurrency: number;
  active: number;
  queued: number;
  /** Highest number of jobs seen running at once. */
  maxActive: number;
  completed: number;
}

export interface Pool {
  /** Run `job` when a slot is free. Its signal aborts when `signal` does or the pool closes. */
  run<T>(job: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  stats(): PoolStats;
  /** Reject queued jobs, abort running ones and wait for them to settle. */
  close(): Promise<void>;
}

interface Waiter {
  start: () => void;
  cancel: (err: unknown) => void;
}

export function createPool(opts: { concurrency?: number } = {}): Pool {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? availableParallelism()));
  const queue: Waiter[] = [];
  const running = new Set<{ done: Promise<unknown> }>();
  let closed = false;
  let maxActive = 0;
  let completed = 0;
  const closing = new AbortController();

  const pump = () => {
    while (running.size < concurrency && queue.length > 0) queue.shift()!.start();
  };

  function run<T>(job: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (closed) return Promise.reject(new PoolClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) {
          queue.splice(i, 1);
          reject(signal?.reason);
        }
      };
      const waiter: Waiter = {
        cancel: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          const jobSignal = signal ? AbortSignal.any([closing.signal, signal]) : closing.signal;
          const entry = { done: Promise.resolve() as Promise<unknown> };
          running.add(entry);
          maxActive = Math.max(maxActive, running.size);
          entry.done = (async () => job(jobSignal))()
            .then(resolve, reject)
            .finally(() => {
              running.delete(entry);
              completed++;
              pump();
            });
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      pump();
    });
  }

  return {
    run,
    stats: () => ({ concurrency, active: running.size, queued: queue.length, maxActive, completed }),
    async close() {
      if (closed) return;
      closed = true;
      for (const w of queue.splice(0)) w.cancel(new PoolClosedError());
      closing.abort(new PoolClosedError());
      await Promise.allSettled([...running].map((r) => r.done));
    },
  };
}
