// 20 % of the stack's VOD calls fail — code 6000, HTTP 503, a reset connection (before or after
// the action ran) or a timeout — while a batch of clips goes through the real local stack. Every
// job must end SUCCEEDED or FAILED with exactly one downstream event; retries stay bounded and
// back off, as the wire timestamps show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFault, millis, outcomeFigures, outcomeOf, pollGaps, retryTiming, seconds } from './support/figures';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';
import { watchCrashes, type CrashWatch } from './support/crashes';
import { debugDump } from './support/debug';

const CLIPS = size('faultClips');
const MAX_ATTEMPTS = 3;
const VOD_TIMEOUT_MS = 1000;
// ≈ 20 % of calls: 6 % code 6000, 5 % HTTP 503, 3 % reset before, 2 % reset after the action ran,
// 4 % answered only after the client's timeout (the action still runs, like a lost answer).
const FAULTS = {
  seed: 20_260_511,
  error6000: 0.06,
  http503: 0.05,
  drop: 0.03,
  dropAfter: 0.02,
  delay: { fraction: 0.04, ms: VOD_TIMEOUT_MS + 600 },
};

let s: RelStack;
let crashes: CrashWatch;
const started = Date.now();

beforeAll(async () => {
  crashes = watchCrashes();
  s = await startRelStack({
    limits: { functionTimeoutS: 12, visibilityTimeoutS: 18 },
    env: { VOD_TIMEOUT_MS: String(VOD_TIMEOUT_MS), MAX_ATTEMPTS: String(MAX_ATTEMPTS) },
    // Quotas off: this scenario is about failing calls. At its compressed cadence (polls every
    // ≤ 4 s) 50 jobs ask ~750 GetTaskInfo a minute, beyond the documented 100; quota.test.ts
    // is the scenario for that.
    emulator: { faults: FAULTS, rateLimits: false },
  });
});
afterAll(async () => {
  await s?.close();
  crashes?.stop();
});

describe(`faults: ${CLIPS} clips with 20 % of VOD calls failing (${SCALE})`, () => {
  it(
    'ends every job in exactly one terminal event, with bounded retries that back off',
    async () => {
      const jobIds: string[] = [];
      // Users upload a few at a time; the pipeline gets them all within seconds.
      for (let i = 0; i < CLIPS; i += 5) {
        jobIds.push(...(await Promise.all(Array.from({ length: Math.min(5, CLIPS - i) }, (_, j) => s.submit(`clip-${i + j}.mp4`)))));
      }
      const jobs = await s.settle(jobIds, limitMs(110_000, 420_000));
      // Stragglers (a late duplicate would show up now, not never).
      await s.local.waitForIdle({ timeoutMs: 30_000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1500));

      const out = outcomeOf(jobIds, await s.jobs(), s.events);
      const emu = s.local.emulator!.stats();
      const calls = s.proxy.calls;
      const faultsSeen = calls.filter(isFault).length;
      const injected = Object.entries(emu.faultsInjected)
        .filter(([k]) => k !== 'failStep')
        .reduce((n, [, v]) => n + v, 0);
      const timing = retryTiming(calls);
      const polls = pollGaps(calls);
      const perJobCalls = calls.length / CLIPS;
      const crash = crashes.count(s.capture);
      const processFiles = calls.filter((c) => c.action === 'ProcessFile' && c.end === 'answered' && c.code === 0);
      const twiceStarted = processFiles.length - new Set(processFiles.map((c) => c.subject)).size;
      const failedEvents = s.events.filter((e) => e.type === 'vodflow.video.failed');

      await recordScenario('faults', `Faults: ${CLIPS} clips, 20 % of VOD calls failing`, started, {
        requestsTried: calls.length,
        faultsInjected: injected,
        ...outcomeFigures(out),
        crashes: crash.uncaught + crash.invocationFailures,
        http5xx: s.http5xx(),
        backoff: `retry gap after a fault: median ${millis(timing.medianGapMs)}, mean ${millis(timing.meanGapMs)}, max ${millis(timing.maxGapMs)} (n=${timing.retried}); poll gaps median ${seconds(polls.medianMs)}, p90 ${seconds(polls.p90Ms)}`,
        notes: [
          `faults injected by kind: ${JSON.stringify(emu.faultsInjected)}; ${faultsSeen} faulted calls seen on the wire out of ${calls.length} (${((100 * faultsSeen) / Math.max(1, calls.length)).toFixed(1)} %)`,
          `HTTP 503 answers injected on VOD calls: ${calls.filter((c) => c.end === 'http503').length} (the 5xx column counts the stack's own answers to users)`,
          `VOD calls per job: ${perJobCalls.toFixed(1)}; most calls for one (action, subject): ${timing.maxCallsPerSubject.calls} (${timing.maxCallsPerSubject.key}); longest run of consecutive faults on one: ${timing.longestFaultRun}; GetTaskInfo calls for one task at most ${polls.maxPerTask}`,
          `ProcessFile answered twice for one fileId (an answer lost after the action ran, then retried): ${twiceStarted} — the second task is the one tracked; the orphan's callback is acknowledged as unknown and produces no event`,
          `failed jobs: ${failedEvents.map((e) => `${e.subject}: ${e.data.error?.code} (${e.data.error?.cause ?? 'n/a'}, retryable=${e.data.error?.retryable})`).join('; ') || 'none'}`,
          `handler invocations that timed out: ${crash.timeouts}; timings compressed (function timeout 12 s, visibility 18 s, VOD_TIMEOUT_MS ${VOD_TIMEOUT_MS})`,
        ],
      });

      const bad = new Set([...out.duplicateJobs, ...out.lost]);
      debugDump('faults', () => ({
        bad: [...bad],
        events: s.events.filter((e) => bad.has(e.subject)),
        logs: s.capture.logs.filter((l) => bad.has(String(l.jobId ?? l.correlation_id ?? ''))),
      }));
      expect(out.lost, 'jobs without a terminal state and event').toEqual([]);
      expect(out.duplicateIds, 'event ids seen twice').toEqual([]);
      expect(out.duplicateJobs, 'jobs with two events').toEqual([]);
      expect(s.events).toHaveLength(CLIPS);
      for (const e of s.events) {
        const job = jobs.find((j) => j.jobId === e.subject)!;
        expect(e.type).toBe(job.status === 'SUCCEEDED' ? 'vodflow.video.ready' : 'vodflow.video.failed');
      }
      // A failure is explained, never silent.
      for (const e of failedEvents) expect(e.data.error?.message_en.length).toBeGreaterThan(0);
      // The faults really happened, at about the rate asked for.
      expect(faultsSeen / calls.length).toBeGreaterThan(0.1);
      // Bounded: job attempts within MAX_ATTEMPTS; no call hammered; no storm of requests per job.
      expect(out.maxAttempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
      // Consecutive faults on one task may come from separate callers (poll chain, webhook fetch-back).
      expect(timing.longestFaultRun).toBeLessThanOrEqual(10);
      expect(timing.maxCallsPerSubject.calls).toBeLessThanOrEqual(40);
      expect(perJobCalls).toBeLessThan(40);
      // Backoff: retries come after a jittered wait, not at once (full jitter over 250 ms → mean ≈ 125 ms).
      expect(timing.retried).toBeGreaterThan(0);
      expect(timing.meanGapMs).toBeGreaterThan(40);
      expect(crash.uncaught).toBe(0);
      expect(s.http5xx()).toBe(0);
    },
    limitMs(170_000, 600_000),
  );
});
