import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createPool, PoolClosedError } from '../../../emulator/media/pool';

describe('createPool', () => {
  it('never runs more than `concurrency` jobs at once, and runs them all', async () => {
    const pool = createPool({ concurrency: 3 });
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pool.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(5 + (i % 3) * 3);
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(pool.stats()).toMatchObject({ concurrency: 3, active: 0, queued: 0, maxActive: 3, completed: 12 });
  });

  it('starts queued jobs in FIFO order', async () => {
    const pool = createPool({ concurrency: 1 });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => pool.run(async () => void order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('defaults to one slot per CPU', () => {
    expect(createPool().stats().concurrency).toBeGreaterThanOrEqual(1);
  });

  it('a failing job frees its slot', async () => {
    const pool = createPool({ concurrency: 1 });
    await expect(pool.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(pool.run(async () => 'next')).resolves.toBe('next');
  });

  it('drops a queued job whose signal aborts, without running it', async () => {
    const pool = createPool({ concurrency: 1 });
    let release!: () => void;
    const first = pool.run(() => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    let ran = false;
    const second = pool.run(async () => void (ran = true), ac.signal);
    ac.abort(new Error('caller gave up'));
    await expect(second).rejects.toThrow('caller gave up');
    release();
    await first;
    expect(ran).toBe(false);
  });

  it('close() rejects queued jobs, aborts running ones and refuses new ones', async () => {
    const pool = createPool({ concurrency: 1 });
    const running = pool.run(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const queued = pool.run(async () => 'never');
    await pool.close();
    await expect(running).rejects.toBeInstanceOf(PoolClosedError);
    await expect(queued).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.run(async () => 1)).rejects.toBeInstanceOf(PoolClosedError);
  });
});
