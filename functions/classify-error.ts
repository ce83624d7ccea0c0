// classify-error: the only place that decides between "retry" and "FAILED". The code is
// explained by lib/vod/errors (stage, step, cause, retryable, zh/en message, action); a retryable
// failure with attempts left goes back with backoff (RedoTask for a failed procedure, a fresh
// upload for a failed pull/push); otherwise the job fails with the explanation, and the write
// that wins emits video.failed.
import { config } from '../lib/config';
import { failedEvent } from '../lib/events/build';
import { deliverPending, finishTerminal } from '../lib/events/outbox';
import { currentJob, getJob, leaseFor, runStep, transition, type Job, type JobError } from '../lib/jobs';
import { delayPlan, enqueue, fullJitterS, readMessage, sqsHandler, type ClassifyFailure, type RecordContext } from '../lib/messages';
import { classify, DEADLINE_CODE, STALLED_CODE } from '../lib/vod/errors';

config();

export function explain(msg: ClassifyFailure): JobError {
  const detail = msg.subTask ? `${msg.subTask}: ${msg.message}` : msg.message;
  // vodflow gave up (deadline, stalled job): its own codes, explained by the same table.
  const code = msg.origin === 'deadline' ? DEADLINE_CODE : msg.origin === 'stalled' ? STALLED_CODE : msg.code;
  const c = classify(code, { canRetry: msg.canRetry });
  // Failures with no retry path in the pipeline stay final whatever the code says.
  const retryable = c.retryable && msg.origin !== 'poll';
  return { code: c.code, stage: c.stage, step: c.step, cause: c.cause, retryable, message: c.message, message_en: c.message_en, action: c.action, detail, attempts: msg.attempt };
}

async function retry(job: Job, msg: ClassifyFailure, error: JobError, ctx: RecordContext): Promise<boolean> {
  const cfg = config();
  const attempt = msg.attempt + 1;
  const { delaySeconds } = delayPlan(Math.min(900, fullJitterS(msg.attempt, cfg.retry.baseDelayS, cfg.retry.maxDelayS, Math.min(1, cfg.retry.baseDelayS))));
  const lastError = { ...error, at: new Date().toISOString() };
  if (msg.origin === 'procedure' || msg.origin === 'process') {
    if (!job.fileId) return false;
    const redoVodTaskId = msg.origin === 'procedure' ? msg.vodTaskId : undefined;
    const moved = await transition(job.jobId, { to: 'PROCESSING', attempt: msg.attempt, set: { attempt, lastError } });
    if (!moved) return true;
    await enqueue(cfg.queues.process, { v: 1, type: 'start-processing', jobId: job.jobId, attempt, fileId: job.fileId, redoVodTaskId }, delaySeconds);
  } else {
    const moved = await transition(job.jobId, { to: 'UPLOADING', attempt: msg.attempt, set: { attempt, lastError, progress: 0 }, remove: ['fileId', 'pullTaskId'] });
    if (!moved) return true;
    await enqueue(cfg.queues.upload, { v: 1, type: 'initiate-upload', jobId: job.jobId, attempt }, delaySeconds);
  }
  ctx.logger.warn('retrying after a retryable VOD failure', { code: error.code, cause: error.cause, origin: msg.origin, nextAttempt: attempt, inS: delaySeconds });
  return true;
}

async function fail(job: Job, msg: ClassifyFailure, error: JobError, ctx: RecordContext): Promise<void> {
  const failedJob = { ...job, vodTaskId: msg.vodTaskId ?? job.vodTaskId };
  const event = failedEvent(failedJob, error, config().events.source);
  const won = await transition(job.jobId, { to: 'FAILED', attempt: msg.attempt, set: { error, event, finishedAt: new Date().toISOString() } });
  if (!won) return ctx.logger.info('another delivery already decided this job; not emitting');
  ctx.logger.error('job failed', { code: error.code, stage: error.stage, step: error.step, cause: error.cause, retryable: error.retryable, attempts: error.attempts });
  await deliverPending(won, ctx.logger, leaseFor(ctx.remainingMs()));
}

export const handler = sqsHandler(
  (body) => readMessage(body, 'classify-failure'),
  (m) => m.jobId,
  async (msg, ctx) => {
    // A terminal job whose event did not reach every destination yet: finish the delivery.
    if (await finishTerminal(msg.jobId, ctx)) return;
    if (!(await currentJob(msg, ctx.logger))) return;
    const step = await runStep(msg.jobId, `classify#${msg.attempt}`, leaseFor(ctx.remainingMs()), async () => {
      const job = (await getJob(msg.jobId))!;
      const error = explain(msg);
      if (error.retryable && msg.attempt < config().retry.maxAttempts && (await retry(job, msg, error, ctx))) return;
      await fail(job, msg, error, ctx);
    });
    if (!step.ran) ctx.logger.info('duplicate failure message dropped', { step: step.claim });
  },
);
