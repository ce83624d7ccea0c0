// publish-result: a finished VOD task. Pull done → process it. Procedure done → play URLs per
// definition, cover and snapshots → SUCCEEDED (conditional write; only the winner emits
// video.ready). Any failure → classify-error.
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { readyEvent } from '../lib/events/build';
import { deliverPending, finishTerminal } from '../lib/events/outbox';
import { currentJob, getJob, leaseFor, runStep, sendToClassify, transition, type Job, type JobOutputs } from '../lib/jobs';
import { enqueue, readMessage, sqsHandler, type RecordContext, type TaskFinished, type TaskOutcome } from '../lib/messages';

config();

type Success = Extract<TaskOutcome, { ok: true }>;

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

async function succeed(job: Job, msg: TaskFinished, outcome: Success, ctx: RecordContext): Promise<void> {
  const fileId = outcome.fileId ?? job.fileId;
  if (!fileId) throw new Error('procedure finished but the job has no fileId');
  const outputs = await outputsOf(fileId, outcome);
  const event = readyEvent(job, outputs, config().events.source);
  const won = await transition(job.jobId, {
    to: 'SUCCEEDED',
    attempt: msg.attempt,
    set: { outputs, event, progress: 100, finishedAt: new Date().toISOString() },
    expect: { vodTaskId: msg.vodTaskId },
  });
  if (!won) return ctx.logger.info('another delivery already finished this job; not emitting', { vodTaskId: msg.vodTaskId });
  ctx.logger.info('job succeeded', { fileId, definitions: outputs.playSet.map((p) => p.definition) });
  await deliverPending(won, ctx.logger, leaseFor(ctx.remainingMs()));
}

async function pulled(job: Job, msg: TaskFinished, outcome: Success, ctx: RecordContext): Promise<void> {
  const fileId = outcome.fileId!;
  const moved = await transition(job.jobId, { to: 'UPLOADING', attempt: msg.attempt, set: { fileId, progress: 40 }, expect: { pullTaskId: msg.vodTaskId } });
  if (!moved) return ctx.logger.info('job moved on; pull result dropped', { vodTaskId: msg.vodTaskId });
  await enqueue(config().queues.process, { v: 1, type: 'start-processing', jobId: job.jobId, attempt: msg.attempt, fileId });
  ctx.logger.info('pull finished', { fileId, vodTaskId: msg.vodTaskId });
}

export const handler = sqsHandler(
  (body) => readMessage(body, 'task-finished'),
  (m) => m.jobId,
  async (msg, ctx) => {
    // A terminal job whose event did not reach every destination yet: finish the delivery.
    if (await finishTerminal(msg.jobId, ctx)) return;
    if (!(await currentJob(msg, ctx.logger))) return;
    const step = await runStep(msg.jobId, `result#${msg.task}#${msg.attempt}`, leaseFor(ctx.remainingMs()), async () => {
      const job = (await getJob(msg.jobId))!;
      const { outcome } = msg;
      if (!outcome.ok) {
        await sendToClassify({
          jobId: msg.jobId,
          attempt: msg.attempt,
          origin: msg.task,
          code: outcome.code,
          message: outcome.message,
          vodTaskId: msg.vodTaskId,
          subTask: outcome.subTask,
        });
        return ctx.logger.warn('VOD task failed; sent to classification', { vodTaskId: msg.vodTaskId, code: outcome.code, subTask: outcome.subTask });
      }
      await (msg.task === 'pull' ? pulled(job, msg, outcome, ctx) : succeed(job, msg, outcome, ctx));
    });
    if (!step.ran) ctx.logger.info('duplicate task-finished message dropped', { vodTaskId: msg.vodTaskId, via: msg.via, step: step.claim });
  },
);
