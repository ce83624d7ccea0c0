// Measurement helpers: medians of interleaved rounds, so comparisons share the machine's state.
import os from 'node:os';
import type { ProfileSummary } from './profile';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Human statement of the goal, e.g. "≥ 0.8× raw HMAC". */
  goal?: string;
  met?: boolean;
  note?: string;
}

export interface Section {
  title: string;
  figures: Figure[];
  notes?: string[];
  /** Where the CPU went during the measured phase (`--profile`). */
  profile?: ProfileSummary;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** Operations per second of `fn`, run for about `ms` milliseconds. */
export function opsPerSecond(fn: () => unknown, ms = 200): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    elapsed = process.hrtime.bigint() - start;
  }
  return n / (Number(elapsed) / 1e9);
}

/** Runs every contender once per round, in rotating order, and returns the median of each. */
export function interleaved(contenders: Record<string, () => number>, rounds = 7): Record<string, number> {
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      samples[name]!.push(contenders[name]!());
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n]!)]));
}

export function machine() {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Like `interleaved`, for contenders that take a while (processes, stacks): rotating order, medians. */
export async function interleavedAsync(
  contenders: Record<string, () => Promise<number>>,
  rounds: number,
): Promise<{ medians: Record<string, number>; samples: Record<string, number[]> }> {
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      samples[name]!.push(await contenders[name]!());
    }
  }
  return { medians: Object.fromEntries(names.map((n) => [n, median(samples[n]!)])), samples };
}

/** Wall time of `fn` in milliseconds. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Rounds a figure to a sensible number of significant digits for the report. */
export const round = (x: number, digits = 3): number => (x === 0 || !Number.isFinite(x) ? x : +x.toPrecision(digits));

export const MiB = 1024 * 1024;

/** Runs `fn` over the items, `n` at a time, in order. */
export async function limit<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}
