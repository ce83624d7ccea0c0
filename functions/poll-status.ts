// poll-status: one link of a polling chain. GetTaskInfo; still running → the next link, delayed
// with exponential backoff and full jitter; finished → its report (lib/pipeline/report); past the
// overall deadline → a failure with that reason; throttled → the next link, on its own backoff.
// A confirmation (a callback's claim GetTaskInfo could not check then) reports or stops.
import { VodApiError } from '../lib/vod/client';
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { jobs } from '../lib/jobs';
import {
  hopUntilDue,
  jobStep,
  pollAfterThrottle,
  pollAgain,
  processingProgress,
  reportTaskFinished,
  sendToClassify,
  STEPS,
} from '../lib/pipeline';

config();

export const handler = jobStep({
  type: 'poll-status',
  step: (msg) => (msg.confirm ? STEPS.confirm : STEPS.poll)(msg.task, msg.attempt, msg.seq),
  duplicateOf: 'poll',
  run: async ({ msg, job, ctx }) => {
    const cfg = config();
    const currentTask = msg.task === 'pull' ? job.pullTaskId : job.vodTaskId;
    if (currentTask !== msg.vodTaskId)
      return ctx.logger.info('poll for a task the job no longer waits on; chain stopped', { vodTaskId: msg.vodTaskId });
    const owner = await jobs().taskOwner(msg.vodTaskId);
    if (!owner || owner.attempt !== msg.attempt)
      return ctx.logger.info('task belongs to another attempt; chain stopped', { vodTaskId: msg.vodTaskId });
    if (owner.reported)
      return ctx.logger.info('task already reported finished (callback or event); chain stopped', { vodTaskId: msg.vodTaskId });
    if (await hopUntilDue(msg)) return;

    let info;
    try {
      info = await (await vodProvider()).readTask(msg.vodTaskId);
    } catch (err) {
      if (err instanceof VodApiError && err.classification.category === 'throttled') {
        // The quota is shared (other jobs, displays): wait it out here, not through SQS's receive count.
        const elapsedS = (Date.now() - msg.startedAt) / 1000;
        if (msg.confirm && elapsedS > cfg.poll.deadlineS) return ctx.logger.info('confirmation given up; the polling chain decides');
        const inS = await pollAfterThrottle(msg);
        ctx.logger.warn('VOD throttled GetTaskInfo; polling again', { vodTaskId: msg.vodTaskId, code: err.code, nextInS: inS });
        return;
      }
      // Other retryable answers (internal errors) come back through SQS; the rest are final.
      if (!(err instanceof VodApiError) || err.retryable) throw err;
      await sendToClassify({
        jobId: msg.jobId,
        attempt: msg.attempt,
        origin: 'poll',
        code: err.code,
        message: err.apiMessage || err.message,
        vodTaskId: msg.vodTaskId,
      });
      return;
    }
    const { outcome } = info;
    if (outcome) {
      await reportTaskFinished(msg.vodTaskId, outcome, 'poll', ctx.logger, owner);
      return;
    }
    if (msg.confirm)
      return ctx.logger.info('callback not confirmed: the task is still running; the polling chain goes on', { vodTaskId: msg.vodTaskId });
    const elapsedS = (Date.now() - msg.startedAt) / 1000;
    if (elapsedS > cfg.poll.deadlineS) {
      const message = `VOD task ${msg.vodTaskId} was still ${info.status} after ${Math.round(elapsedS)} s (JOB_DEADLINE_S=${cfg.poll.deadlineS})`;
      await sendToClassify({ jobId: msg.jobId, attempt: msg.attempt, origin: 'deadline', message, vodTaskId: msg.vodTaskId });
      return;
    }
    // The claim answered the job: a progress it already shows is not written again.
    const progress = info.progress === undefined ? undefined : processingProgress(info.progress);
    if (progress !== undefined && progress !== job.progress) await jobs().patchJob(msg.jobId, msg.attempt, { progress });
    const inS = await pollAgain(msg);
    ctx.logger.debug('task still running', { vodTaskId: msg.vodTaskId, status: info.status, nextInS: inS });
  },
});
