// Turning a run into the report's figures: lost and duplicated jobs from the table and the events
// queue, fault and retry timing from the proxy's call records.
import type { CallRecord } from './vod-proxy';
import type { DownstreamEvent, JobItem } from './stack';

export interface Outcome {
  held: number;
  succeeded: number;
  failed: number;
  /** Accepted but not terminal with its event, or terminal with no event seen. */
  lost: string[];
  /** Event ids seen more than once. */
  duplicateIds: string[];
  /** Jobs with more than one downstream event (whatever the ids). */
  duplicateJobs: string[];
  /** Jobs with events of more than one id (e.g. both ready and failed): never acceptable. */
  conflictingJobs: string[];
  maxAttempts: number;
}

export function outcomeOf(jobIds: string[], jobs: JobItem[], events: DownstreamEvent[]): Outcome {
  const byId = new Map(jobs.map((j) => [j.jobId, j]));
  const count = <K>(keys: K[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<K, number>());
  const perEventId = count(events.map((e) => e.id));
  const perJob = count(events.map((e) => e.subject));
  const terminal = (j: JobItem | undefined) => j?.status === 'SUCCEEDED' || j?.status === 'FAILED';
  return {
    held: jobIds.length,
    succeeded: jobIds.filter((id) => byId.get(id)?.status === 'SUCCEEDED').length,
    failed: jobIds.filter((id) => byId.get(id)?.status === 'FAILED').length,
    lost: jobIds.filter((id) => !terminal(byId.get(id)) || !perJob.get(id)),
    duplicateIds: [...perEventId].filter(([, n]) => n > 1).map(([id]) => id),
    duplicateJobs: [...perJob].filter(([, n]) => n > 1).map(([id]) => id),
    conflictingJobs: [...perJob.keys()].filter((id) => new Set(events.filter((e) => e.subject === id).map((e) => e.id)).size > 1),
    maxAttempts: Math.max(0, ...jobIds.map((id) => byId.get(id)?.attempt ?? 0)),
  };
}

/** The report columns an Outcome fills; `extraDuplicates` adds VOD work a scenario saw started twice. */
export const outcomeFigures = (out: Outcome, extraDuplicates = 0) => ({
  jobsHeld: out.held,
  succeeded: out.succeeded,
  failed: out.failed,
  lost: out.lost.length,
  duplicated: out.duplicateIds.length + out.duplicateJobs.length + extraDuplicates,
  maxAttempts: out.maxAttempts,
});

export const isFault = (c: CallRecord) => c.end !== 'answered' || c.code === 6000;

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export interface RetryTiming {
  faults: number;
  /** Faulted calls followed by another call of the same action and subject within 30 s. */
  retried: number;
  gapsMs: number[];
  medianGapMs: number;
  meanGapMs: number;
  maxGapMs: number;
  /** The most calls one (action, subject) pair received. */
  maxCallsPerSubject: { key: string; calls: number };
  /** The longest run of consecutive faulted calls for one (action, subject). */
  longestFaultRun: number;
}

/** Gaps between a faulted call and the next call for the same thing: the backoff, as seen on the wire. */
export function retryTiming(calls: CallRecord[], excludeActions: string[] = []): RetryTiming {
  const groups = new Map<string, CallRecord[]>();
  for (const c of calls) {
    if (!c.subject || excludeActions.includes(c.action)) continue;
    const key = `${c.action} ${c.subject}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const gaps: number[] = [];
  let faults = 0;
  let longestFaultRun = 0;
  let maxCalls = { key: '', calls: 0 };
  for (const [key, list] of groups) {
    list.sort((a, b) => a.at - b.at);
    if (list.length > maxCalls.calls) maxCalls = { key, calls: list.length };
    let run = 0;
    list.forEach((c, i) => {
      if (!isFault(c)) return void (run = 0);
      faults++;
      longestFaultRun = Math.max(longestFaultRun, ++run);
      const next = list[i + 1];
      const end = c.at + c.ms;
      if (next && next.at - end < 30_000) gaps.push(Math.max(0, next.at - end));
    });
  }
  return {
    faults,
    retried: gaps.length,
    gapsMs: gaps,
    medianGapMs: quantile(gaps, 0.5),
    meanGapMs: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN,
    maxGapMs: gaps.length ? Math.max(...gaps) : NaN,
    maxCallsPerSubject: maxCalls,
    longestFaultRun,
  };
}

/** Gaps between successive GetTaskInfo calls of one task: the poll backoff. */
export function pollGaps(calls: CallRecord[]): { medianMs: number; p90Ms: number; maxMs: number; maxPerTask: number } {
  const perTask = new Map<string, number[]>();
  for (const c of calls) if (c.action === 'GetTaskInfo' && c.subject) perTask.set(c.subject, [...(perTask.get(c.subject) ?? []), c.at]);
  const gaps: number[] = [];
  let maxPerTask = 0;
  for (const times of perTask.values()) {
    times.sort((a, b) => a - b);
    maxPerTask = Math.max(maxPerTask, times.length);
    for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  }
  return { medianMs: quantile(gaps, 0.5), p90Ms: quantile(gaps, 0.9), maxMs: gaps.length ? Math.max(...gaps) : NaN, maxPerTask };
}

export const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
export const millis = (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'n/a');
