// An empty object in the bucket is a job like any other: VOD calls it damaged (-43001) and the
// job ends in exactly one video.failed — never a silent skip, in pull and in push mode.
import '../support/quiet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoFailedEventV1 } from '../../lib/events/contracts';
import { putObject } from '../support/s3-notify';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('an empty object', () => {
  it.each(['pull', 'push'] as const)('ends in one video.failed with -43001 (permanent), in %s mode', async (mode) => {
    h.env({ UPLOAD_MODE: mode });
    try {
      await putObject(h.stack, `in/empty-${mode}.mp4`, Buffer.alloc(0));
      const jobId = await h.jobIdOf(`in/empty-${mode}.mp4`);
      await h.settle(jobId);
      const events = await h.events();
      expect(events).toHaveLength(1);
      const event = videoFailedEventV1.parse(events[0]);
      expect(event.subject).toBe(jobId);
      expect(event.data.error).toMatchObject({ code: -43001, retryable: false });
    } finally {
      h.env();
    }
  });
});
