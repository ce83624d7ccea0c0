// A VOD event (HTTP callback body or PullEvent eventContent) → at most one finished task's report.
// Only PullComplete and ProcedureStateChanged concern vodflow; everything else is acknowledged.
// An HTTP callback is unsigned, so its claim is confirmed with a signed GetTaskInfo before it is
// trusted; PullEvent content comes from a signed API answer and is used as is. VOD ignores the
// callback's answer and never resends after one, so a confirmation that cannot run now
// (throttled, unreachable) is queued as a confirmation poll rather than answered with an error.
import type { Logger } from '@aws-lambda-powertools/logger';
import { vodProvider } from '../aws/vod-provider';
import { jobs } from '../jobs';
import type { TaskFinished, TaskOutcome } from '../messages';
import type { EventView } from '../vod/provider';
import { confirmLater } from './polling';
import { reportTaskFinished, type ReportResult } from './report';

export type EventHandling = ReportResult | 'ignored-type' | 'no-task-id' | 'not-finished' | 'confirmation-queued';

/** Whether vodflow acts on events of this type (a task's end); it acknowledges all others. */
export const actsOn = (eventType: string | undefined): boolean => eventType === 'PullComplete' || eventType === 'ProcedureStateChanged';

export async function handleVodEvent(event: EventView, via: TaskFinished['via'], logger: Logger): Promise<EventHandling> {
  if (!actsOn(event.eventType)) {
    logger.info('VOD event of a type vodflow does not act on; acknowledged', { eventType: event.eventType });
    return 'ignored-type';
  }
  const { vodTaskId } = event;
  if (!vodTaskId) {
    logger.warn('VOD event without vodTaskId; acknowledged', { eventType: event.eventType });
    return 'no-task-id';
  }
  const owner = await jobs().taskOwner(vodTaskId);
  if (!owner) {
    logger.info('VOD event for a task vodflow did not start; acknowledged', { eventType: event.eventType, vodTaskId });
    return 'unknown-task';
  }
  const log = logger.createChild({ persistentKeys: { jobId: owner.jobId, vodTaskId } });
  log.setCorrelationId(owner.jobId);
  if (owner.reported) {
    log.info('task finish already reported; duplicate event acknowledged', { via });
    return 'duplicate';
  }
  let outcome: TaskOutcome | undefined;
  if (via === 'callback') {
    try {
      outcome = (await (await vodProvider()).readTask(vodTaskId)).outcome;
    } catch (err) {
      await confirmLater(owner, vodTaskId);
      log.warn('callback could not be confirmed now; a confirmation poll is queued', { error: (err as Error).message, via });
      return 'confirmation-queued';
    }
  } else {
    outcome = event.outcome;
  }
  if (!outcome) {
    log.info('event does not (yet) mean the task finished; polling continues', { eventType: event.eventType, via });
    return 'not-finished';
  }
  return reportTaskFinished(vodTaskId, outcome, via, log, owner);
}
