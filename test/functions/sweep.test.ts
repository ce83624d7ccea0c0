// sweep-jobs: a job whose message was lost (here: never sent) still ends in one video.failed.
import '../support/quiet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../lib/config';
import { jobs } from '../../lib/jobs';
import { startHarness, type Harness } from './harness';

let h: Harness;
let sweep: typeof import('../../functions/sweep-jobs').sweep;
beforeAll(async () => {
  h = await startHarness();
  // Handlers read their configuration at load, which needs the harness's environment.
  ({ sweep } = await import('../../functions/sweep-jobs'));
});
afterAll(async () => h?.close());

const context = { getRemainingTimeInMillis: () => 60_000 };
const source = (key: string) => ({ bucket: h.stack.bucket, key, etag: 'e', size: 10 });

describe('sweep-jobs', () => {
  it('fails a job that stopped moving, once, with an explanation, and leaves live jobs alone', async () => {
    await jobs().createJob('s3-stalled0001', source('stuck.mp4'), 'pull'); // QUEUED, and no message will ever come
    const later = Date.now() + config().staleJobS * 1000 + 1_000;

    expect(await sweep(context)).toEqual({ stalled: 0, complete: true }); // nothing is stale yet
    expect(await sweep(context, later)).toEqual({ stalled: 1, complete: true });
    await h.settle('s3-stalled0001');

    const job = (await jobs().getJob('s3-stalled0001'))!;
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ code: -2, cause: 'stalled', retryable: false });
    expect(job.error?.action).toMatch(/vodflow jobs show/);

    // A terminal job is never swept again, and exactly one event exists for it.
    expect(await sweep(context, later)).toEqual({ stalled: 0, complete: true });
    const events = (await h.events()).filter((e) => e.subject === 's3-stalled0001');
    expect(events.map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });

  it('stops early when the invocation runs out of time', async () => {
    await jobs().createJob('s3-stalled0002', source('stuck2.mp4'), 'pull');
    const later = Date.now() + config().staleJobS * 1000 + 1_000;
    expect(await sweep({ getRemainingTimeInMillis: () => 1_000 }, later)).toEqual({ stalled: 0, complete: false });
  });

  it('fails a reservation whose upload never arrived, once its upload URL has expired', async () => {
    // Before: AWAITING_UPLOAD was never swept (and DynamoDB TTL is not enforced locally), so a
    // reservation whose PUT was lost stayed "awaiting upload" for good.
    await sweep(context, Date.now() + config().staleJobS * 1000 + 1_000); // the previous test's job
    await h.settle('s3-stalled0002');
    await jobs().reserveUpload(
      'up-sweepreservation0000000001',
      { bucket: h.stack.bucket, key: 'uploads/up-sweepreservation0000000001/lost.mp4', size: 10 },
      2,
    );
    const { staleJobS, http } = config();
    const urlStillValid = Date.now() + http.uploadUrlTtlS * 1000;
    expect(await sweep(context, urlStillValid)).toEqual({ stalled: 0, complete: true }); // an upload may still come
    const expired = Date.now() + (http.uploadUrlTtlS + staleJobS) * 1000 + 1_000;
    expect(await sweep(context, expired)).toEqual({ stalled: 1, complete: true });
    await h.settle('up-sweepreservation0000000001');
    const job = (await jobs().getJob('up-sweepreservation0000000001'))!;
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ code: -2, cause: 'stalled', retryable: false });
    expect(job.error?.detail).toMatch(/no upload arrived/);
    const events = (await h.events()).filter((e) => e.subject === 'up-sweepreservation0000000001');
    expect(events.map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });
});
