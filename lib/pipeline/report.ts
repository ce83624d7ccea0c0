// The single way a finished VOD task enters the pipeline: one task-finished message on the
// result queue, whether the news came from polling, an HTTP callback or PullEvent. The per-task
// marker keeps the later sources quiet; the step marker of the next step (publish-result's for a
// success, classify-error's for a failure) drops any copy that slips by.
import type { Logger } from '@aws-lambda-powertools/logger';
import { config } from '../config';
import { jobs, type TaskOwner } from '../jobs';
import { enqueue, type TaskFinished, type TaskOutcome } from '../messages';

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
  await jobs().markTaskReported(vodTaskId);
  logger.info('task finished', { vodTaskId, task: owner.task, via, ok: outcome.ok, ...(outcome.ok ? {} : { code: outcome.code }) });
  return 'reported';
}
