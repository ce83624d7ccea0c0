// publish-result: a finished VOD task. Two jobs, one per task kind: a finished pull starts the
// processing; a finished procedure yields play URLs per definition, cover and snapshots →
// SUCCEEDED (conditional write; only the winner emits video.ready). A failed task goes straight
// to classify-error (lib/pipeline/report); one queued here by an earlier version of vodflow (in
// flight across a deploy) is handed on as it is, with no write here.
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { readyEvent } from '../lib/events/build';
import { jobs, type Job, type JobOutputs, type StepCompletion, type TaskKind } from '../lib/jobs';
import { enqueue, type RecordContext, type TaskFinished, type TaskOutcome } from '../lib/messages';
import { VodApiError } from '../lib/vod/client';
import { deliverPending, deliveryLeases, jobStep, PROGRESS, sendToClassify, STEPS } from '../lib/pipeline';

config();

type Success = Extract<TaskOutcome, { ok: true }>;
type OnFinished = (job: Job, msg: TaskFinished, outcome: Success, ctx: RecordContext, completion: StepCompletion) => Promise<void>;

async function outputsOf(fileId: string, outcome: Success): Promise<JobOutputs> {
  const file = await (await vodProvider()).readFile(fileId);
  const coverUrl = outcome.coverUrl || file.coverUrl;
  const duration = outcome.duration ?? file.duration;
  return {
    fileId,
    playSet: file.playSet.sort((a, b) => a.definition - b.definition),
    coverUrl,
    snapshots: outcome.snapshots,
    duration,
  };
}

// A task of the job's current attempt is the job's task even when the job does not name it: a
// holder that died between indexing its task and recording it leaves such an orphan, and the
// redelivery starts another. Whichever finishes first is adopted (the result step lets one
// success through per attempt); the other is left unused, and the start of a second one yields
// to it. A failure is classify-error's to decide: an adoption waits for no decision there (the
// classify step of the attempt neither leased nor done), and once a task is adopted,
// classify-error's claim drops the failure of the other — so whichever comes first decides.

/** The task the job names for this kind and attempt, if any. */
const currentTask = (job: Job, task: TaskKind, attempt: number): string | undefined =>
  task === 'pull' ? job.pullTaskId : job.processAttempt === attempt ? job.vodTaskId : undefined;

/** Pull finished → the job has its fileId → start processing. */
const pullFinished: OnFinished = async (job, msg, outcome, ctx) => {
  const fileId = outcome.fileId ?? job.fileId;
  if (!fileId) throw new Error('pull finished without a fileId');
  const moved = await jobs().transition(job.jobId, {
    to: 'UPLOADING',
    attempt: msg.attempt,
    from: ['QUEUED', 'UPLOADING'],
    set: { pullTaskId: msg.vodTaskId, fileId, progress: PROGRESS.uploaded },
    stepFree: job.pullTaskId === msg.vodTaskId ? undefined : STEPS.classify(msg.attempt).name,
  });
  if (!moved) return ctx.logger.info('job moved on; pull result dropped', { vodTaskId: msg.vodTaskId });
  if (job.pullTaskId !== msg.vodTaskId)
    ctx.logger.warn('pull adopted: the job did not name it yet, or named a later one', { vodTaskId: msg.vodTaskId, named: job.pullTaskId });
  await enqueue(config().queues.process, { v: 1, type: 'start-processing', jobId: job.jobId, attempt: msg.attempt, fileId });
  ctx.logger.info('pull finished', { fileId, vodTaskId: msg.vodTaskId });
};

/** Makes the finished procedure the job's current one (see above); the job as it is then. */
async function adoptProcedure(job: Job, msg: TaskFinished, fileId: string, ctx: RecordContext): Promise<Job | undefined> {
  if (job.status === 'PROCESSING' && currentTask(job, 'procedure', msg.attempt) === msg.vodTaskId) return job;
  const adopted = await jobs().transition(job.jobId, {
    to: 'PROCESSING',
    attempt: msg.attempt,
    from: ['UPLOADING', 'PROCESSING'],
    set: { vodTaskId: msg.vodTaskId, fileId, processAttempt: msg.attempt, progress: PROGRESS.processingStarted },
    stepFree: STEPS.classify(msg.attempt).name,
  });
  if (adopted)
    ctx.logger.warn('procedure adopted: the job did not name it yet, or named a later one', {
      vodTaskId: msg.vodTaskId,
      named: job.vodTaskId,
    });
  return adopted;
}

/** Procedure finished → outputs → SUCCEEDED with video.ready in the outbox → delivered. */
const procedureFinished: OnFinished = async (found, msg, outcome, ctx, completion) => {
  const fileId = outcome.fileId ?? found.fileId;
  if (!fileId) throw new Error('procedure finished but the job has no fileId');
  const job = await adoptProcedure(found, msg, fileId, ctx);
  if (!job) return ctx.logger.info('job moved on; procedure result dropped', { vodTaskId: msg.vodTaskId });
  const outputs = await outputsOf(fileId, outcome).catch(async (err: unknown) => {
    // The file was deleted in VOD meanwhile: the same answer on every redelivery, so classify-error
    // decides (one video.failed saying so). Anything else (a throttle, an internal error, a key
    // rotated) is SQS's to redeliver: the outputs exist, and a redo would transcode them again.
    if (!(err instanceof VodApiError && err.classification.cause === 'file-not-found')) throw err;
    await sendToClassify({
      jobId: job.jobId,
      attempt: msg.attempt,
      origin: 'procedure',
      code: err.code,
      message: `processing finished, then VOD no longer had file ${fileId} when its outputs were read (deleted meanwhile?): ${err.apiMessage || err.message}`,
      vodTaskId: msg.vodTaskId,
    });
  });
  if (!outputs) return ctx.logger.warn('the file is gone from VOD; classify-error decides', { fileId, vodTaskId: msg.vodTaskId });
  const event = readyEvent(job, outputs, config().events.source);
  // The step is done with this write, which also leases the outbox's deliveries (steps of their own).
  const outbox = deliveryLeases(event, ctx.remainingMs());
  const won = await jobs().transition(
    job.jobId,
    {
      to: 'SUCCEEDED',
      attempt: msg.attempt,
      set: { outputs, event, progress: PROGRESS.succeeded, finishedAt: new Date().toISOString() },
      expect: { vodTaskId: msg.vodTaskId },
      leases: outbox.leases,
    },
    completion,
  );
  if (!won) return ctx.logger.info('another delivery already finished this job; not emitting', { vodTaskId: msg.vodTaskId });
  ctx.logger.info('job succeeded', { fileId, definitions: outputs.playSet.map((p) => p.definition) });
  await deliverPending(won, ctx, outbox.held);
};

const ON_FINISHED: Readonly<Record<TaskKind, OnFinished>> = { pull: pullFinished, procedure: procedureFinished };

export const handler = jobStep({
  type: 'task-finished',
  step: (msg) => STEPS.result(msg.task, msg.attempt),
  duplicateOf: 'task-finished',
  // A failure from before failures went straight to classify-error: it needs no step here, since
  // classify-error's claim absorbs copies and its admission drops an orphan's failure (waitsOn).
  forward: (msg) => {
    const { outcome } = msg;
    if (outcome.ok) return undefined;
    return async (ctx) => {
      await sendToClassify({
        jobId: msg.jobId,
        attempt: msg.attempt,
        origin: msg.task,
        code: outcome.code,
        message: outcome.message,
        vodTaskId: msg.vodTaskId,
        subTask: outcome.subTask,
        finishedTask: true,
      });
      ctx.logger.warn('VOD task failed; sent to classification', {
        vodTaskId: msg.vodTaskId,
        code: outcome.code,
        subTask: outcome.subTask,
      });
    };
  },
  run: async ({ msg, job, ctx, completion }) => {
    const { outcome } = msg;
    if (!outcome.ok) throw new Error('a failed task is forwarded, never run as a result step');
    return ON_FINISHED[msg.task](job, msg, outcome, ctx, completion);
  },
});
