// classify-error: the only place that decides between "retry" and "FAILED". The code is
// explained by lib/vod/errors (stage, step, cause, retryable, zh/en message, action); a retryable
// failure with attempts left goes back with backoff along its origin's retry path (RedoTask for a
// failed procedure, a fresh upload for a failed pull/push); otherwise the job fails with the
// explanation, and the write that wins emits video.failed.
import { config } from '../lib/config';
import { EVENT_TYPES } from '../lib/events/contracts';
import { jobs, type Job, type JobError, type StepCompletion } from '../lib/jobs';
import { delayPlan, enqueue, fullJitterS, type ClassifyFailure, type RecordContext } from '../lib/messages';
import {
  codeOf,
  deliverPending,
  deliveryLeases,
  jobStep,
  type Finish,
  NOT_WAITED_ON,
  PROGRESS,
  RETRY_PATH,
  STEPS,
  waitsOn,
} from '../lib/pipeline';
import { classify } from '../lib/vod/errors';

config();

export function explain(msg: ClassifyFailure): JobError {
  const detail = msg.subTask ? `${msg.subTask}: ${msg.message}` : msg.message;
  const c = classify(codeOf(msg), { canRetry: msg.canRetry });
  // Failures with no retry path in the pipeline stay final whatever the code says.
  const retryable = c.retryable && RETRY_PATH[msg.origin] !== undefined;
  return {
    code: c.code,
    stage: c.stage,
    step: c.step,
    cause: c.cause,
    retryable,
    message: c.message,
    message_en: c.message_en,
    action: c.action,
    detail,
    attempts: msg.attempt,
  };
}

// Both outcomes end the step with their job write (its completion): the retry's comes after
// its one send; the failure's outbox is a step of its own per destination, leased by that same
// write (deliveryLeases), so its winner delivers without claiming first. A final failure needs
// nothing of the job to decide, so its write is the step's only one: it is made on the claim's
// conditions with no claim before it, and stores the event's parts (the record reads with the
// event they make), since the event's other fields are the job's.

/** Whether the failure goes back along its retry path: retryable, with attempts left. */
const retries = (msg: ClassifyFailure, error: JobError): boolean => error.retryable && msg.attempt < config().retry.maxAttempts;

async function retry(job: Job, msg: ClassifyFailure, error: JobError, ctx: RecordContext, completion: StepCompletion): Promise<boolean> {
  const cfg = config();
  const path = RETRY_PATH[msg.origin];
  if (!path) return false;
  const attempt = msg.attempt + 1;
  const { delaySeconds } = delayPlan(
    Math.min(900, fullJitterS(msg.attempt, cfg.retry.baseDelayS, cfg.retry.maxDelayS, Math.min(1, cfg.retry.baseDelayS))),
  );
  const lastError = { ...error, at: new Date().toISOString() };
  // The next attempt's message is sent before the job moves to that attempt: a crash in between
  // leaves this message to come back and move it (its step is not done), and the early message
  // waits for the move (jobStep retries a message from an attempt not begun yet).
  if (path === 'upload') {
    await enqueue(cfg.queues.upload, { v: 1, type: 'initiate-upload', jobId: job.jobId, attempt }, delaySeconds);
    await jobs().transition(
      job.jobId,
      {
        to: 'UPLOADING',
        attempt: msg.attempt,
        set: { attempt, lastError, progress: PROGRESS.queued },
        remove: ['fileId', 'pullTaskId'],
      },
      completion,
    );
  } else {
    if (!job.fileId) return false;
    const redoVodTaskId = path === 'redo' ? msg.vodTaskId : undefined;
    await enqueue(
      cfg.queues.process,
      { v: 1, type: 'start-processing', jobId: job.jobId, attempt, fileId: job.fileId, redoVodTaskId },
      delaySeconds,
    );
    await jobs().transition(job.jobId, { to: 'PROCESSING', attempt: msg.attempt, set: { attempt, lastError } }, completion);
  }
  ctx.logger.warn('retrying after a retryable VOD failure', {
    code: error.code,
    cause: error.cause,
    origin: msg.origin,
    nextAttempt: attempt,
    inS: delaySeconds,
  });
  return true;
}

/** The move to FAILED with the explanation, the event's parts and the outbox's leases; its winner delivers. */
function failure(msg: ClassifyFailure, error: JobError, ctx: RecordContext): Finish {
  const outbox = deliveryLeases({ type: EVENT_TYPES.failed }, ctx.remainingMs());
  const eventParts = { eventSource: config().events.source, vodTaskId: msg.vodTaskId };
  return {
    move: {
      to: 'FAILED',
      set: { error, eventParts, finishedAt: new Date().toISOString() },
      leases: outbox.leases,
    },
    won: async (job) => {
      ctx.logger.error('job failed', {
        code: error.code,
        stage: error.stage,
        step: error.step,
        cause: error.cause,
        retryable: error.retryable,
        attempts: error.attempts,
      });
      await deliverPending(job, ctx, outbox.held);
    },
  };
}

export const handler = jobStep({
  type: 'classify-failure',
  step: (msg) => STEPS.classify(msg.attempt),
  duplicateOf: 'failure',
  // A finished task's failure decides only while the job waits on that task (lib/pipeline/task-guard).
  admitOnly: (msg) =>
    msg.finishedTask && msg.vodTaskId && (msg.origin === 'pull' || msg.origin === 'procedure')
      ? { anyOf: waitsOn(msg.origin, msg.vodTaskId, msg.attempt), reason: NOT_WAITED_ON }
      : undefined,
  finish: (msg, ctx) => {
    const error = explain(msg);
    return retries(msg, error) ? undefined : failure(msg, error, ctx);
  },
  run: async ({ msg, job, ctx, completion }) => {
    const error = explain(msg);
    if (await retry(job, msg, error, ctx, completion)) return;
    // No way back after all (a retry of processing needs the fileId): the failure, with the claim held.
    const { move, won } = failure(msg, error, ctx);
    const failed = await jobs().transition(job.jobId, { ...move, attempt: msg.attempt }, completion);
    if (!failed) return ctx.logger.info('another delivery already decided this job; not emitting');
    await won(failed);
  },
});
