// Every SQS handler starts the same way: is this message still about the job's current attempt?
// A message from a superseded attempt, or for a finished job, is acknowledged and dropped.
import type { Logger } from '@aws-lambda-powertools/logger';
import { getJob } from './store';
import { TERMINAL, type Job } from './types';

export async function currentJob(message: { jobId: string; attempt: number; type: string }, logger: Logger): Promise<Job | undefined> {
  const job = await getJob(message.jobId);
  if (!job) {
    logger.error('message for a job that does not exist; dropped', { type: message.type });
    return undefined;
  }
  if (TERMINAL.has(job.status)) {
    logger.info('job already finished; message dropped', { type: message.type, status: job.status });
    return undefined;
  }
  if (job.attempt !== message.attempt) {
    logger.info('message from a superseded attempt; dropped', { type: message.type, messageAttempt: message.attempt, jobAttempt: job.attempt });
    return undefined;
  }
  return job;
}

/** Steps lease for the rest of this invocation (plus a margin): never past the visibility timeout. */
export const leaseFor = (remainingMs: number): number => Math.max(5_000, remainingMs + 5_000);
