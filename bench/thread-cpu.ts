// What a measured phase costs the process: CPU of every thread (process.cpuUsage), and how it
// splits over the threads, from each thread's busy time. Busy time also counts a thread the OS
// had descheduled, so the shares are busy times scaled to the measured CPU.
import { performance } from 'node:perf_hooks';
import { dynaliteThreadBusyMs } from '../local/aws/services';

/** A thread's busy ms so far (cumulative): this one's, dynalite's, or a worker's. */
export type BusyCounter = () => number;
export const mainThreadBusyMs: BusyCounter = () => performance.eventLoopUtilization().active;
export const workerBusyMs =
  (worker: { performance: { eventLoopUtilization(): { active: number } } }): BusyCounter =>
  () =>
    worker.performance.eventLoopUtilization().active;
/** This thread and dynalite's: the local stack's two. */
export const STACK_THREADS: readonly BusyCounter[] = [mainThreadBusyMs, dynaliteThreadBusyMs];

export interface PhaseCpu {
  /** CPU ms of every thread of the process over the phase. */
  cpuMs: number;
  /** What the idle process would have spent over the same time (see idleCpuPerSecond). */
  idleMs: number;
  /** Each counted thread's busy ms over the phase, in the order given. */
  busyMs: number[];
  elapsedMs: number;
}

/** Starts measuring; the function returned ends the phase and answers what it cost. */
export function startPhase(threads: readonly BusyCounter[], idleMsPerS = 0): () => PhaseCpu {
  const busyBefore = threads.map((busy) => busy());
  const start = performance.now();
  const before = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(before);
    const elapsedMs = performance.now() - start;
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      idleMs: (idleMsPerS * elapsedMs) / 1000,
      busyMs: threads.map((busy, i) => busy() - busyBefore[i]!),
      elapsedMs,
    };
  };
}

/** `cpuMs` split over the threads in proportion to their busy times. */
export const cpuShares = (cpuMs: number, busyMs: readonly number[]): number[] => {
  const sum = busyMs.reduce((a, b) => a + b, 0) || 1;
  return busyMs.map((busy) => (cpuMs * busy) / sum);
};

/** CPU ms a second the process spends idle (pollers long-polling, timers), over `ms`. */
export async function idleCpuPerSecond(ms: number): Promise<number> {
  const end = startPhase([]);
  await new Promise((r) => setTimeout(r, ms));
  const { cpuMs, elapsedMs } = end();
  return (cpuMs * 1000) / elapsedMs;
}
