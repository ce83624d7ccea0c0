// Polling a VOD task: a chain of poll-status messages, each link delayed with exponential backoff
// and full jitter, started by whoever started the task.
import { config } from '../config';
import type { TaskKind, TaskOwner } from '../jobs';
import { delayPlan, enqueue, fullJitterS, type PollStatus } from '../messages';

const firstLink = (jobId: string, attempt: number, task: TaskKind, vodTaskId: string): PollStatus => ({
  v: 1,
  type: 'poll-status',
  jobId,
  attempt,
  vodTaskId,
  task,
  seq: 0,
  startedAt: Date.now(),
});

/** The first link of a task's polling chain, after POLL_BASE_DELAY_S. */
export async function startPolling(jobId: string, attempt: number, task: TaskKind, vodTaskId: string): Promise<void> {
  const cfg = config();
  await enqueue(cfg.queues.poll, firstLink(jobId, attempt, task, vodTaskId), cfg.poll.baseDelayS);
}

const next = (msg: PollStatus, dueAt: number | undefined): PollStatus => ({ ...msg, seq: msg.seq + 1, dueAt });

/** Sends the link after `msg`, `waitS` from now (hopping when past SQS's cap). Returns the delay in seconds. */
async function sendNext(msg: PollStatus, waitS: number): Promise<number> {
  const plan = delayPlan(waitS);
  await enqueue(config().queues.poll, next(msg, plan.dueAt), plan.delaySeconds);
  return plan.delaySeconds;
}

/** The next link after a poll that found the task still running. Returns the delay in seconds. */
export function pollAgain(msg: PollStatus): Promise<number> {
  const { baseDelayS, maxDelayS } = config().poll;
  return sendNext(msg, fullJitterS(msg.seq + 1, baseDelayS, maxDelayS, Math.min(1, baseDelayS)));
}

/** Throttled polls back off from THROTTLED_BASE_S up to at least THROTTLED_CAP_S, whatever the poll cadence is. */
export const THROTTLED_BASE_S = 2;
export const THROTTLED_CAP_S = 60;

/**
 * The next link after VOD throttled GetTaskInfo (4400 / RequestLimitExceeded): sent on with its
 * own backoff instead of failing the message, so a busy quota never walks a chain into the DLQ.
 * The backoff may exceed POLL_MAX_DELAY_S: many jobs polling at a short cadence can need more
 * than the quota, and only waiting longer brings them under it.
 */
export function pollAfterThrottle(msg: PollStatus): Promise<number> {
  return sendNext(msg, fullJitterS(msg.seq + 1, THROTTLED_BASE_S, Math.max(config().poll.maxDelayS, THROTTLED_CAP_S), 1));
}

/** A callback's claim that could not be confirmed now: one confirmation poll, right away. */
export async function confirmLater(owner: TaskOwner, vodTaskId: string): Promise<void> {
  await enqueue(config().queues.poll, { ...firstLink(owner.jobId, owner.attempt, owner.task, vodTaskId), confirm: true });
}

/**
 * A wait longer than SQS's 900 s cap hops through the queue until it is due. True when this
 * link was such a hop (and was sent on); the poll itself happens in a later link.
 */
export async function hopUntilDue(msg: PollStatus, now = Date.now()): Promise<boolean> {
  if (!msg.dueAt || msg.dueAt <= now + 1000) return false;
  const plan = delayPlan((msg.dueAt - now) / 1000, now);
  await enqueue(config().queues.poll, next(msg, plan.dueAt ? msg.dueAt : undefined), plan.delaySeconds);
  return true;
}
