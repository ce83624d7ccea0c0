// Is anybody working on this job right now? The step leases say it: a live lease is a handler at
// work (long steps renew theirs, see HEARTBEAT), a lease that ran out without its step being done
// is a handler that died mid-step — its message comes back only after the queue's visibility
// timeout, or at once with `vodflow jobs retry`.
import { isTerminal, type Job } from '../jobs';

/** Long steps hold a short lease and renew it while they work, so a dead one shows within this. */
export const HEARTBEAT = { leaseMs: 120_000, everyMs: 30_000 } as const;

export type InFlight = { state: 'running'; step: string; leaseUntil: string } | { state: 'interrupted'; step: string; since: string };

/** The step in flight (the latest lease), if any, as of `now`. */
export function inFlightOf(job: Job, now = Date.now()): InFlight | undefined {
  if (isTerminal(job.status)) return undefined;
  const leases = Object.entries(job.leases).filter(([step]) => !job.done[step]);
  if (!leases.length) return undefined;
  const [step, until] = leases.reduce((a, b) => (b[1] > a[1] ? b : a));
  // A lease that ran out before the job last moved is an old marker, not a dead handler.
  if (until <= now && Date.parse(job.updatedAt) > until) return undefined;
  return until > now
    ? { state: 'running', step, leaseUntil: new Date(until).toISOString() }
    : { state: 'interrupted', step, since: new Date(until).toISOString() };
}
