// VOD's quota (reference §1.1: 100 GetTaskInfo calls a minute per SecretId) set far below what the
// jobs' polling, callback confirmations and a progress display ask for. Before the fix a throttled
// poll failed its message: five throttled receives put the job's only polling link in the DLQ and
// the job was stranded, and a callback whose confirmation was throttled was lost (VOD ignores the
// webhook's answer). Every job must still end in exactly one event, with nothing parked in a DLQ.
// Full scale only: 8 jobs need 16 task reads at 6 a minute, minutes by design; `npm test` covers
// the same two paths in test/functions/pipeline.test.ts and callbacks.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeFigures, outcomeOf } from './support/figures';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';

const CLIPS = size('quotaClips');
const PER_MINUTE = 6;
const DLQS = ['UploadDlq', 'ProcessDlq', 'PollDlq', 'ResultDlq', 'ClassifyDlq'];

let s: RelStack;
const started = Date.now();

beforeAll(async () => {
  s = await startRelStack({ callbackMode: 'http', emulator: { rateLimits: { perMinute: { GetTaskInfo: PER_MINUTE } } } });
});
afterAll(async () => {
  await s?.close();
});

describe.skipIf(SCALE !== 'full')(`GetTaskInfo quota of ${PER_MINUTE}/min under ${CLIPS} jobs (${SCALE})`, () => {
  it(
    'every job ends in one event; throttled polls and confirmations wait, none reaches a DLQ',
    async () => {
      const jobIds = await Promise.all(Array.from({ length: CLIPS }, (_, i) => s.submit(`quota-${i}.mp4`)));
      const jobs = await s.settle(jobIds, limitMs(150_000, 600_000));
      await s.local.waitForIdle({ timeoutMs: 20_000 }).catch(() => undefined);

      const out = outcomeOf(jobIds, await s.jobs(), s.events);
      const calls = s.proxy.calls.filter((c) => c.action === 'GetTaskInfo');
      const throttled = calls.filter((c) => c.code === 4400).length;
      const minutes = Math.max(1, (Date.now() - started) / 60_000);
      const depths = Object.fromEntries(await Promise.all(DLQS.map(async (q) => [q, await s.depth(q)] as const)));
      await recordScenario('quota', `GetTaskInfo quota of ${PER_MINUTE}/min under ${CLIPS} jobs`, started, {
        requestsTried: s.proxy.calls.length,
        faultsInjected: throttled,
        ...outcomeFigures(out),
        crashes: 0,
        http5xx: s.http5xx(),
        backoff: `${calls.length} GetTaskInfo calls in ${minutes.toFixed(1)} min, ${throttled} answered 4400; every job done ${Math.round((Date.now() - started) / 1000)} s after the start`,
        notes: [`DLQ depths at the end: ${JSON.stringify(depths)}`],
      });

      expect(throttled, 'the quota was really hit').toBeGreaterThan(0);
      expect(out.lost, 'jobs without a terminal state and event').toEqual([]);
      expect(out.duplicateIds).toEqual([]);
      expect(out.duplicateJobs).toEqual([]);
      expect(jobs.every((j) => j.status === 'SUCCEEDED')).toBe(true);
      expect(out.maxAttempts).toBe(1);
      expect(
        Object.values(depths).reduce((a, b) => a + b, 0),
        JSON.stringify(depths),
      ).toBe(0);
    },
    limitMs(200_000, 720_000),
  );
});
