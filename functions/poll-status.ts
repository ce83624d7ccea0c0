// poll-status: one link of a polling chain. GetTaskInfo; still running → the next link, delayed
// with exponential backoff and full jitter; finished → one task-finished message; past the
// overall deadline → a failure with that reason.
import { VodApiError } from '../lib/vod/client';
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { currentJob, leaseFor, patchJob, reportTaskFinished, runStep, sendToClassify, taskOwner } from '../lib/jobs';
import { delayPlan, enqueue, fullJitterS, readMessage, sqsHandler, type PollStatus } from '../lib/messages';

config();

const next = (msg: PollStatus, extra: Partial<PollStatus> = {}): PollStatus => ({ ...msg, seq: msg.seq + 1, dueAt: undefined, ...extra });

export const handler = sqsHandler(
  (body) => readMessage(body, 'poll-status'),
  (m) => m.jobId,
  async (msg, ctx) => {
    const cfg = config();
    const job = await currentJob(msg, ctx.logger);
    if (!job) return;
    const currentTask = msg.task === 'pull' ? job.pullTaskId : job.vodTaskId;
    if (currentTask !== msg.vodTaskId) return ctx.logger.info('poll for a task the job no longer waits on; chain stopped', { vodTaskId: msg.vodTaskId });
    const owner = await taskOwner(msg.vodTaskId);
    if (!owner || owner.attempt !== msg.attempt) return ctx.logger.info('task belongs to another attempt; chain stopped', { vodTaskId: msg.vodTaskId });
    if (owner.reported) return ctx.logger.info('task already reported finished (callback or event); chain stopped', { vodTaskId: msg.vodTaskId });

    const chain = `poll#${msg.task}#${msg.attempt}`;
    const step = `${chain}#${msg.seq}`;
    const previous = msg.seq > 0 ? [`done.${chain}#${msg.seq - 1}`] : [];
    const result = await runStep(msg.jobId, step, leaseFor(ctx.remainingMs()), async () => {
      // A wait longer than SQS's 900 s cap hops through the queue until it is due.
      if (msg.dueAt && msg.dueAt > Date.now() + 1000) {
        const plan = delayPlan((msg.dueAt - Date.now()) / 1000);
        await enqueue(cfg.queues.poll, next(msg, { dueAt: plan.dueAt ? msg.dueAt : undefined }), plan.delaySeconds);
        return;
      }
      let info;
      try {
        info = await (await vodProvider()).readTask(msg.vodTaskId);
      } catch (err) {
        // Retryable answers (throttling, internal errors) come back through SQS; others are final.
        if (!(err instanceof VodApiError) || err.retryable) throw err;
        await sendToClassify({ jobId: msg.jobId, attempt: msg.attempt, origin: 'poll', code: err.code, message: err.apiMessage || err.message, vodTaskId: msg.vodTaskId });
        return;
      }
      const { outcome } = info;
      if (outcome) {
        await reportTaskFinished(msg.vodTaskId, outcome, 'poll', ctx.logger, owner);
        return;
      }
      const elapsedS = (Date.now() - msg.startedAt) / 1000;
      if (elapsedS > cfg.poll.deadlineS) {
        await sendToClassify({
          jobId: msg.jobId,
          attempt: msg.attempt,
          origin: 'deadline',
          code: -1,
          message: `VOD task ${msg.vodTaskId} was still ${info.status} after ${Math.round(elapsedS)} s (JOB_DEADLINE_S=${cfg.poll.deadlineS})`,
          vodTaskId: msg.vodTaskId,
        });
        return;
      }
      const share = info.progress;
      if (share !== undefined) await patchJob(msg.jobId, msg.attempt, { progress: 50 + Math.floor(share * 45) });
      const plan = delayPlan(fullJitterS(msg.seq + 1, cfg.poll.baseDelayS, cfg.poll.maxDelayS, Math.min(1, cfg.poll.baseDelayS)));
      await enqueue(cfg.queues.poll, next(msg, { dueAt: plan.dueAt }), plan.delaySeconds);
      ctx.logger.debug('task still running', { vodTaskId: msg.vodTaskId, status: info.status, nextInS: plan.delaySeconds });
    }, previous);
    if (!result.ran) ctx.logger.info('duplicate poll delivery dropped', { seq: msg.seq, step: result.claim });
  },
);
