// publish-result: a finished VOD task. Two jobs, one per task kind: a finished pull starts the
// processing; a finished procedure yields play URLs per definition, cover and snapshots →
// SUCCEEDED (conditional write; only the winner emits video.ready). A failed task of either kind
// goes to classify-error.
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { readyEvent } from '../lib/events/build';
import { jobs, type Job, type JobOutputs, type TaskKind } from '../lib/jobs';
import { enqueue, type RecordContext, type TaskFinished, type TaskOutcome } from '../lib/messages';
import { deliverPending, jobStep, leaseFor, PROGRESS, sendToClassify, STEPS } from '../lib/pipeline';

config();

type Success = Extract<TaskOutcome, { ok: true }>;
type OnFinished = (job: Job, msg: TaskFinished, outcome: Success, ctx: RecordContext) => Promise<void>;

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

/** Pull finished → the job has its fileId → start processing. */
const pullFinished: OnFinished = async (job, msg, outcome, ctx) => {
  const fileId = outcome.fileId ?? job.fileId;
  if (!fileId) throw new Error('pull finished without a fileId');
  const moved = await jobs().transition(job.jobId, {
    to: 'UPLOADING',
    attempt: msg.attempt,
    set: { fileId, progress: PROGRESS.uploaded },
    expect: { pullTaskId: msg.vodTaskId },
  });
  if (!moved) return ctx.logger.info('job moved on; pull result dropped', { vodTaskId: msg.vodTaskId });
  await enqueue(config().queues.process, { v: 1, type: 'start-processing', jobId: job.jobId, attempt: msg.attempt, fileId });
  ctx.logger.info('pull finished', { fileId, vodTaskId: msg.vodTaskId });
};

/** Procedure finished → outputs → SUCCEEDED with video.ready in the outbox → delivered. */
const procedureFinished: OnFinished = async (job, msg, outcome, ctx) => {
  const fileId = outcome.fileId ?? job.fileId;
  if (!fileId) throw new Error('procedure finished but the job has no fileId');
  const outputs = await outputsOf(fileId, outcome);
  const event = readyEvent(job, outputs, config().events.source);
  const won = await jobs().transition(job.jobId, {
    to: 'SUCCEEDED',
    attempt: msg.attempt,
    set: { outputs, event, progress: PROGRESS.succeeded, finishedAt: new Date().toISOString() },
    expect: { vodTaskId: msg.vodTaskId },
  });
  if (!won) return ctx.logger.info('another delivery already finished this job; not emitting', { vodTaskId: msg.vodTaskId });
  ctx.logger.info('job succeeded', { fileId, definitions: outputs.playSet.map((p) => p.definition) });
  await deliverPending(won, ctx.logger, leaseFor(ctx.remainingMs()));
};

const ON_FINISHED: Readonly<Record<TaskKind, OnFinished>> = { pull: pullFinished, procedure: procedureFinished };

export const handler = jobStep({
  type: 'task-finished',
  step: (msg) => STEPS.result(msg.task, msg.attempt),
  duplicateOf: 'task-finished',
  run: async ({ msg, job, ctx }) => {
    const { outcome } = msg;
    if (outcome.ok) return ON_FINISHED[msg.task](job, msg, outcome, ctx);
    await sendToClassify({ jobId: msg.jobId, attempt: msg.attempt, origin: msg.task, code: outcome.code, message: outcome.message, vodTaskId: msg.vodTaskId, subTask: outcome.subTask });
    ctx.logger.warn('VOD task failed; sent to classification', { vodTaskId: msg.vodTaskId, code: outcome.code, subTask: outcome.subTask });
  },
});
