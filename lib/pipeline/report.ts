// The single way a finished VOD task enters the pipeline, whether the news came from polling, an
// HTTP callback or PullEvent: a success is one task-finished message on the result queue
// (publish-result), a failure one classify-failure straight to classify-error, which alone
// decides it (a hop through publish-result would only hand it on). The per-task marker keeps the
// later sources quiet; the next step's claim (publish-result's for a success, classify-error's
// for a failure, which also drops the failure of a task the job no longer waits on) drops any
// copy that slips by.
import type { Logger } from '@aws-lambda-powertools/logger';
import { config } from '../config';
import { jobs, type TaskOwner } from '../jobs';
import { enqueue, type TaskFinished, type TaskOutcome } from '../messages';
import { sendToClassify } from './failures';

export type ReportResult = 'reported' | 'duplicate' | 'unknown-task';

export async function reportTaskFinished(
  vodTaskId: string,
  outcome: TaskOutcome,
  via: TaskFinished['via'],
  logger: Logger,
  knownOwner?: TaskOwner,
): Promise<ReportResult> {
  const owner = knownOwner ?? (await jobs().taskOwner(vodTaskId));
  if (!owner) return 'unknown-task';
  if (owner.reported) {
    logger.info('task finish already reported; ignoring this copy', { vodTaskId, via });
    return 'duplicate';
  }
  if (outcome.ok) {
    await enqueue(config().queues.result, {
      v: 1,
      type: 'task-finished',
      jobId: owner.jobId,
      attempt: owner.attempt,
      vodTaskId,
      task: owner.task,
      via,
      outcome,
    });
  } else {
    await sendToClassify({
      jobId: owner.jobId,
      attempt: owner.attempt,
      origin: owner.task,
      code: outcome.code,
      message: outcome.message,
      vodTaskId,
      subTask: outcome.subTask,
      finishedTask: true,
    });
  }
  await jobs().markTaskReported(vodTaskId);
  if (outcome.ok) logger.info('task finished', { vodTaskId, task: owner.task, via });
  else
    logger.warn('VOD task failed; sent to classification', {
      vodTaskId,
      task: owner.task,
      via,
      code: outcome.code,
      subTask: outcome.subTask,
    });
  return 'reported';
}
