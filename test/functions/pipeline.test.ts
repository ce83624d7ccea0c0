// The whole flow over real protocols: S3 event → ingest → … → one downstream event, against
import '../support/quiet';
// fauxqs, dynalite and the VOD emulator (real ffmpeg).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../lib/jobs';
import { videoFailedEventV1, videoReadyEventV1 } from '../../lib/events/contracts';
import { notifyObject, putObject } from '../support/s3-notify';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const jobIdOf = (key: string) => h.jobIdOf(key);

describe('pipeline (pull mode, polling)', () => {
  it('turns a good clip into exactly one video.ready with working URLs', async () => {
    await putObject(h.stack, 'in/good clip.mp4', h.goodClip);
    const jobId = await jobIdOf('in/good clip.mp4');
    await h.settle(jobId);
    const job = (await jobs().getJob(jobId))!;
    expect(job.status).toBe('SUCCEEDED');
    const events = await h.events();
    expect(events).toHaveLength(1);
    const event = videoReadyEventV1.parse(events[0]);
    expect(event.subject).toBe(jobId);
    expect(event.id).toBe(`${jobId}.ready`);
    const defs = event.data.playSet.map((p) => p.definition);
    expect(defs).toEqual(expect.arrayContaining([10, 210]));
    for (const p of event.data.playSet) {
      const res = await fetch(p.url);
      expect(res.status, p.url).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(event.data.coverUrl).toBeTruthy();
    expect((await fetch(event.data.coverUrl!)).status).toBe(200);
  });

  it('turns a broken clip into exactly one video.failed with the seed code, classified', async () => {
    await putObject(h.stack, 'in/broken.mp4', h.brokenClip);
    const jobId = await jobIdOf('in/broken.mp4');
    await h.settle(jobId);
    const events = await h.events();
    expect(events).toHaveLength(1);
    const event = videoFailedEventV1.parse(events[0]);
    expect(event.data.error.code).toBeLessThan(-40000);
    expect(event.data.error.retryable).toBe(false);
    expect(event.data.error.stage).toBeTruthy();
    expect(event.data.error.message_en).toBeTruthy();
    expect(event.data.error.action).toBeTruthy();
    expect((await jobs().getJob(jobId))!.error?.code).toBe(event.data.error.code);
  });
});
