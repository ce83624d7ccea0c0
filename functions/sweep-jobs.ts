// sweep-jobs: the backstop behind "every job ends in exactly one terminal event". A job can stop
// moving without any handler deciding its fate — a message that failed maxReceiveCount times sits
// in a DLQ, or a step kept crashing. Hourly, every job untouched for STALE_JOB_S is handed to
// classify-error as `stalled`, which fails it (conditional write, one video.failed) like any other
// failure. A redrive after that finds a terminal job and changes nothing. A reservation whose
// upload URL expired (plus STALE_JOB_S for an upload still in flight) fails the same way.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/aws/log';
import { config } from '../lib/config';
import { jobs } from '../lib/jobs';
import { sendToClassify } from '../lib/pipeline';

config();

/** Stop sweeping while this much time is left; the next run picks up the rest. */
const RESERVE_MS = 10_000;

export async function sweep(context: Pick<Context, 'getRemainingTimeInMillis'>, now = Date.now()): Promise<{ stalled: number; complete: boolean }> {
  const { staleJobS, http } = config();
  const before = new Date(now - staleJobS * 1000).toISOString();
  const reservedBefore = new Date(now - (http.uploadUrlTtlS + staleJobS) * 1000).toISOString();
  let stalled = 0;
  for await (const job of jobs().staleJobs(before, reservedBefore)) {
    if (context.getRemainingTimeInMillis() < RESERVE_MS) return { stalled, complete: false };
    const message =
      job.status === 'AWAITING_UPLOAD'
        ? `no upload arrived: the upload URL handed out at ${job.updatedAt} expired after UPLOAD_URL_TTL_S=${http.uploadUrlTtlS} (waited STALE_JOB_S=${staleJobS} more)`
        : `no progress since ${job.updatedAt} (status ${job.status}, STALE_JOB_S=${staleJobS})`;
    await sendToClassify({
      jobId: job.jobId,
      attempt: job.attempt,
      origin: 'stalled',
      message,
      vodTaskId: job.vodTaskId,
    });
    logger.warn('stalled job handed to classification', { jobId: job.jobId, status: job.status, updatedAt: job.updatedAt, attempt: job.attempt });
    stalled++;
  }
  return { stalled, complete: true };
}

export const handler = middy(async (_event: unknown, context: Context) => {
  const result = await sweep(context);
  logger.info('sweep finished', result);
  return result;
}).use(injectLambdaContext(logger, { resetKeys: true }));
