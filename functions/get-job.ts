// get-job: GET /jobs/{id} — where a video is: status, attempts, progress, outputs or the
// explained error.
import * as z from 'zod';
import { config } from '../lib/config';
import { httpError, parseInput } from '../lib/http/errors';
import { httpHandler, json } from '../lib/http/handler';
import { jobIdSchema, jobs, type Job } from '../lib/jobs';
import { inFlightOf } from '../lib/pipeline/liveness';

config();

export const jobView = (job: Job) => ({
  jobId: job.jobId,
  status: job.status,
  attempts: job.attempt,
  progress: job.progress ?? 0,
  createdAt: job.createdAt,
  updatedAt: job.updatedAt,
  source: job.source && { key: job.source.key, size: job.source.size },
  fileId: job.fileId,
  vodTaskId: job.vodTaskId,
  outputs: job.outputs,
  error: job.error,
  eventId: job.event?.id,
  // A step at work, or one whose handler died (it comes back with SQS, or `vodflow jobs retry`).
  inFlight: inFlightOf(job),
  passthrough: job.passthrough,
});

export const handler = httpHandler(async (event) => {
  const { id } = parseInput(z.object({ id: jobIdSchema }), event.pathParameters ?? {}, 'path');
  const job = await jobs().getJob(id);
  if (!job) throw httpError(404, 'not_found', `no job ${id}`);
  return json(200, jobView(job), { 'cache-control': 'no-store' });
});
