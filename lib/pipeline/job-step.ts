// The skeleton of every SQS job handler. One message = one step of one attempt of one job:
//   the step is claimed, on condition that the job exists, is not finished and is on the
//   message's attempt (one UpdateItem, no read first; the claim answers the job as it is now, a
//   previous holder's writes included) → `run` → the step is marked done (by run's last job
//   write when it carries the completion, else by its own write). A refused claim answers the
//   job as it was: a finished job only gets its outbox delivery finished, a message from a
//   superseded attempt is dropped, one from an attempt not begun yet comes back soon. A delivery
//   that finds the step done or leased is a duplicate and is dropped with a log line. A step
//   decided from its message alone (`finish`) makes its one job write on the claim's conditions
//   instead, with no claim before it, and is answered the same way.
import { isTerminal, jobs, type ClaimOutcome, type FieldTest, type FinishingMove, type Job, type StepCompletion } from '../jobs';
import { readMessage, sqsHandler, type InternalMessage, type RecordContext } from '../messages';
import { HEARTBEAT } from './liveness';
import { deliverPending } from './outbox';
import type { StepName } from './steps';

/** Steps lease for the rest of this invocation (plus a margin): never past the visibility timeout. */
export const leaseFor = (remainingMs: number): number => Math.max(5_000, remainingMs + 5_000);

type MessageOf<T extends InternalMessage['type']> = Extract<InternalMessage, { type: T }>;

export interface StepInput<M> {
  msg: M;
  /** The job right after the claim. */
  job: Job;
  ctx: RecordContext;
  /** The step's done marker, for the job write that finishes the step (see lib/jobs/markers). */
  completion: StepCompletion;
}

export interface JobStepSpec<T extends InternalMessage['type']> {
  type: T;
  step: (msg: MessageOf<T>) => StepName;
  run: (input: StepInput<MessageOf<T>>) => Promise<void>;
  /** What the duplicate log line calls a dropped copy (default: the message type). */
  duplicateOf?: string;
  /**
   * Claim only if one of these tests holds of the job (part of the claim's condition, so a
   * dropped message does not use the step up); otherwise the message is dropped with `reason`.
   */
  admitOnly?: (msg: MessageOf<T>) => { anyOf: readonly FieldTest[]; reason: string } | undefined;
  /**
   * A message this step only hands on, with no job write of its own: `forward` sends it on, not
   * claimed nor marked here, to a step whose own claim absorbs copies and says whether the job
   * still wants it (e.g. a failed task, to classify-error). Undefined: the message is a step.
   */
  forward?: (msg: MessageOf<T>) => ((ctx: RecordContext) => Promise<void>) | undefined;
  /**
   * A message whose step is one job write decided from the message alone (e.g. a final failure):
   * `move` is made on the claim's conditions and marks the step done, with no claim first, and
   * `won` runs on the job it left. Undefined: the step is claimed and `run`.
   */
  finish?: (msg: MessageOf<T>, ctx: RecordContext) => Finish | undefined;
}

export interface Finish {
  /** The state change, on the message's attempt. */
  move: FinishingMove;
  /** What the writer does next, on the job as the write left it. */
  won: (job: Job) => Promise<void>;
}

export type Admission =
  | { admit: true; job: Job }
  | { admit: false; terminal: boolean; reason: string }
  | { admit: 'later'; reason: string };

/** A message for an attempt the job has not begun yet: its sender records the attempt right after sending. */
export class NotYetError extends Error {
  override readonly name = 'NotYetError';
}

/** How soon a message that came too early is tried again. */
export const NOT_YET_RETRY_S = 5;

/** Whether a message still concerns its job: it exists, is not finished, and is on this attempt. */
export function admission(job: Job | undefined, msg: { attempt: number }): Admission {
  if (!job) return { admit: false, terminal: false, reason: 'message for a job that does not exist; dropped' };
  if (isTerminal(job.status)) return { admit: false, terminal: true, reason: 'job already finished; message dropped' };
  if (msg.attempt > job.attempt)
    return { admit: 'later', reason: `message for attempt ${msg.attempt} while the job is on attempt ${job.attempt}` };
  if (job.attempt !== msg.attempt) return { admit: false, terminal: false, reason: 'message from a superseded attempt; dropped' };
  return { admit: true, job };
}

/** Handles one message of `spec.type` as one step (see the header); exported for tests. */
export async function handleStep<T extends InternalMessage['type']>(
  spec: JobStepSpec<T>,
  msg: MessageOf<T>,
  ctx: RecordContext,
): Promise<void> {
  const forward = spec.forward?.(msg);
  if (forward) return forward(ctx);
  const step = spec.step(msg);
  const guard = spec.admitOnly?.(msg);
  const admission = { attempt: msg.attempt, anyOf: guard?.anyOf };
  const finish = spec.finish?.(msg, ctx);
  if (finish) {
    const written = await jobs().finishStep(msg.jobId, step.name, admission, finish.move, step.supersedes);
    if (written.claim === 'claimed') return finish.won(written.job);
    return notRun(spec, msg, step.name, ctx, written, guard?.reason);
  }
  // A long invocation holds a short lease and renews it: if it dies, the job shows it within
  // HEARTBEAT.leaseMs and a retry can take the step then, long before SQS redelivers.
  const long = leaseFor(ctx.remainingMs()) > HEARTBEAT.leaseMs;
  const leaseMs = long ? HEARTBEAT.leaseMs : leaseFor(ctx.remainingMs());
  const work = async (claimed: Job, completion: StepCompletion) => {
    if (!long) return spec.run({ msg, job: claimed, ctx, completion });
    const beat = setInterval(
      () =>
        void jobs()
          .renewLease(msg.jobId, step.name, HEARTBEAT.leaseMs)
          .catch(() => undefined),
      HEARTBEAT.everyMs,
    );
    try {
      return await spec.run({ msg, job: claimed, ctx, completion });
    } finally {
      clearInterval(beat);
    }
  };
  // The admission is the claim's own condition: no read first; a refused claim answers the job.
  const result = await jobs().runStep(msg.jobId, step.name, leaseMs, work, step.supersedes, admission);
  if (result.ran) return;
  return notRun(spec, msg, step.name, ctx, result, guard?.reason);
}

/** A message whose claim (or finishing write) was refused: say why, and act on it (see the header). */
async function notRun<T extends InternalMessage['type']>(
  spec: JobStepSpec<T>,
  msg: MessageOf<T>,
  step: string,
  ctx: RecordContext,
  result: Exclude<ClaimOutcome, { claim: 'claimed' }>,
  guardReason: string | undefined,
): Promise<void> {
  if (result.claim === 'done' || result.claim === 'busy') {
    return ctx.logger.info(`duplicate ${spec.duplicateOf ?? msg.type} message dropped`, { step, claim: result.claim });
  }
  // Refused (or no job): say why — the attempt, a finished job, else the admitOnly guard.
  const found = result.job;
  const admitted = admission(found, msg);
  if (admitted.admit === 'later') {
    // Back soon rather than after the queue's visibility timeout; past maxReceiveCount, the DLQ.
    await ctx.setVisibility(NOT_YET_RETRY_S).catch(() => undefined);
    throw new NotYetError(admitted.reason);
  }
  if (!admitted.admit) {
    // A terminal job whose event did not reach every destination yet: finish the delivery.
    if (admitted.terminal && found?.event) {
      await deliverPending(found, ctx);
      return;
    }
    const log = found ? ctx.logger.info.bind(ctx.logger) : ctx.logger.error.bind(ctx.logger);
    log(admitted.reason, { type: msg.type, status: found?.status, messageAttempt: msg.attempt, jobAttempt: found?.attempt });
    return;
  }
  ctx.logger.info(guardReason ?? 'claim refused', { type: msg.type });
}

/** The SQS handler of one job step: parse and validate the message, then `handleStep`. */
export function jobStep<T extends InternalMessage['type']>(spec: JobStepSpec<T>) {
  return sqsHandler(
    (body) => readMessage(body, spec.type),
    (m) => m.jobId,
    (msg, ctx) => handleStep(spec, msg, ctx),
  );
}
