// At-least-once delivery everywhere: duplicated S3 notifications and SQS redeliveries cause no
// duplicate VOD work and no duplicate events; a transient VOD failure is retried and finishes.
import '../support/quiet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoReadyEventV1 } from '../../lib/events/contracts';
import { jobs } from '../../lib/jobs';
import { notifyObject, putObject } from '../support/s3-notify';
import { runUntil, type SqsLambda } from '../support/stack';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const jobIdOf = (key: string) => h.jobIdOf(key);
const actions = () => h.emu.stats().actions;
const delta = (before: Record<string, number>, name: string) => (actions()[name] ?? 0) - (before[name] ?? 0);

/** Every batch is handled twice, as if SQS redelivered each message right after it was processed. */
const twice =
  (handler: SqsLambda): SqsLambda =>
  async (event, context) => {
    await handler(event, context);
    return handler(event, context);
  };

describe('duplicates', () => {
  it('a repeated S3 notification and redelivered SQS messages start one pull, one procedure, one event', async () => {
    const before = actions();
    await putObject(h.stack, 'dup/clip.mp4', h.goodClip);
    await notifyObject(h.stack, 'dup/clip.mp4'); // S3 notified twice
    const jobId = await jobIdOf('dup/clip.mp4');
    const doubled = Object.fromEntries(Object.entries(h.handlers).map(([k, fn]) => [k, twice(fn)]));
    await runUntil(h.stack, doubled, async () => {
      const job = await jobs().getJob(jobId);
      return job?.status === 'SUCCEEDED' && (job.eventDeliveredTo ?? []).includes('sqs');
    });
    // Let any straggling duplicates run through too.
    await runUntil(h.stack, doubled, async () => false, { timeoutMs: 1500 }).catch(() => undefined);
    expect(delta(before, 'MultiPullVodFile')).toBe(1);
    expect(delta(before, 'ProcessFile')).toBe(1);
    const events = await h.events();
    expect(events.map((e) => e.id)).toEqual([`${jobId}.ready`]);
  });
});

describe('transient VOD errors', () => {
  it('a procedure failing with a retryable code is redone and finishes with one video.ready', async () => {
    h.emu.setFaults({ failStep: { taskType: 'Transcode', code: 30010, times: 1 } });
    const before = actions();
    try {
      await putObject(h.stack, 'flaky/clip.mp4', h.goodClip);
      const jobId = await jobIdOf('flaky/clip.mp4');
      await h.settle(jobId);
      const job = (await jobs().getJob(jobId))!;
      expect(job.status).toBe('SUCCEEDED');
      expect(job.attempt).toBe(2);
      expect(delta(before, 'RedoTask')).toBe(1);
      const events = await h.events();
      expect(events).toHaveLength(1);
      expect(videoReadyEventV1.parse(events[0]).data.attempts).toBe(2);
    } finally {
      h.emu.setFaults({});
    }
  });

  it('API-level faults (code 6000, HTTP 503) are absorbed by retries', async () => {
    h.emu.setFaults({
      seed: 7,
      error6000: 0.25,
      http503: 0.15,
      actions: ['MultiPullVodFile', 'ProcessFile', 'GetTaskInfo', 'DescribeVodPlayUrls'],
    });
    try {
      await putObject(h.stack, 'faulty/clip.mp4', h.goodClip);
      const jobId = await jobIdOf('faulty/clip.mp4');
      await h.settle(jobId);
      expect((await jobs().getJob(jobId))!.status).toBe('SUCCEEDED');
      expect((h.emu.stats().faultsInjected.error6000 ?? 0) + (h.emu.stats().faultsInjected.http503 ?? 0)).toBeGreaterThan(0);
      expect(await h.events()).toHaveLength(1);
    } finally {
      h.emu.setFaults({});
    }
  });
});
