// sweep-jobs: the backstop behind "every job ends in exactly one terminal event". A job can stop
// moving without any handler deciding its fate — a message that failed maxReceiveCount times sits
// in a DLQ, or a step kept crashing. Hourly, every job untouched for STALE_JOB_S is handed to
// classify-error as `stalled`, which fails it (conditional write, one video.failed) like any other
// failure. A redrive after that finds a terminal job and changes nothing. A reservation whose
// upload URL expired (plus STALE_JOB_S for an upload still in flight) fails the same way.
// Every run also resumes jobs whose handler died mid-step (its lease ran out, see
// lib/pipeline/liveness): the message that moves the job on is sent again, so such a job moves
// within HEARTBEAT.leaseMs + the schedule's interval instead of the queue's visibility timeout.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/aws/log';
import { config } from '../lib/config';
import { jobs, MOVING_STATUSES } from '../lib/jobs';
import { enqueue } from '../lib/messages';
import { inFlightOf, resumeOf, sendToClassify } from '../lib/pipeline';

config();

/** Stop sweeping while this much time is left; the next run picks up the rest. */
const RESERVE_MS = 10_000;

export async function sweep(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  now = Date.now(),
): Promise<{ stalled: number; complete: boolean }> {
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
    logger.warn('stalled job handed to classification', {
      jobId: job.jobId,
      status: job.status,
      updatedAt: job.updatedAt,
      attempt: job.attempt,
    });
    stalled++;
  }
  return { stalled, complete: true };
}

/** Sends again the message of every job whose in-flight step was interrupted (its handler died). */
export async function resumeInterrupted(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  now = Date.now(),
): Promise<{ resumed: string[]; complete: boolean }> {
  const { queues } = config();
  const resumed: string[] = [];
  for await (const { job } of jobs().scanJobs({ statuses: MOVING_STATUSES })) {
    if (context.getRemainingTimeInMillis() < RESERVE_MS) return { resumed, complete: false };
    const inFlight = job && inFlightOf(job, now);
    if (!job || inFlight?.state !== 'interrupted') continue;
    const resume = resumeOf(job, now);
    if (!resume.queue) continue;
    await enqueue(queues[resume.queue], resume.message);
    logger.warn('interrupted step resumed', { jobId: job.jobId, step: inFlight.step, since: inFlight.since, sent: resume.message.type });
    resumed.push(job.jobId);
  }
  return { resumed, complete: true };
}

export const handler = middy(async (_event: unknown, context: Context) => {
  const result = await sweep(context);
  const resumed = await resumeInterrupted(context);
  logger.info('sweep finished', { ...result, resumed: resumed.resumed.length });
  return { ...result, resumed: resumed.resumed.length };
}).use(injectLambdaContext(logger, { resetKeys: true }));
