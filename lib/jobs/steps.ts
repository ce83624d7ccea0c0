// Step markers: the idempotency of every handler. A step (e.g. `upload#2` = "initiate the
// upload of attempt 2") is claimed with a lease before its side effects and marked done after
// its next message is enqueued; a step whose one write decides it (finishStep) makes that write
// on the claim's conditions instead. A duplicate delivery finds the step done (drop it) or leased
// (drop it too: the lease holder's own message is still in flight and comes back if it dies,
// by which time the lease — never longer than the function timeout — has expired).
// Step names come from lib/pipeline/steps; here they are opaque map keys.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Expr } from './expr';
import { donePath, leasePath, StepCompletion, stepFreeConditions } from './markers';
import { jobOf, refusal, transitionWrite, type TransitionInput } from './records';
import { conditional, withWritesMap, WriteMark, type JobTable } from './table';
import { fromStatesOf, isTerminal, jobSchema, TERMINAL_STATUSES, type Job } from './types';

export type StepClaim = 'claimed' | 'busy' | 'done' | 'missing' | 'refused';

/** A job field a claim can test (see ClaimAdmission). */
export type GuardField = 'pullTaskId' | 'vodTaskId' | 'processAttempt';
export type FieldTest =
  | { absent: GuardField }
  | { field: GuardField; equals: string | number }
  | { field: GuardField; differs: string | number };

/**
 * What a job step's claim requires of the job besides a free step, checked by the claim's own
 * condition (no read before it): a job item, not finished, on `attempt`, and — with `anyOf` —
 * at least one of those field tests holding.
 */
export interface ClaimAdmission {
  attempt: number;
  anyOf?: readonly FieldTest[];
}

const testExpr = (e: Expr, t: FieldTest): string => {
  if ('absent' in t) return `attribute_not_exists(${e.name(t.absent)})`;
  if ('equals' in t) return `${e.name(t.field)} = ${e.value(t.equals)}`;
  return `(attribute_not_exists(${e.name(t.field)}) OR ${e.name(t.field)} <> ${e.value(t.differs)})`;
};

const testHolds = (job: Job, t: FieldTest): boolean => {
  if ('absent' in t) return job[t.absent] === undefined;
  if ('equals' in t) return job[t.field] === t.equals;
  return job[t.field] !== t.differs;
};

/** The same `anyOf` as the claim's condition, on a job in hand (to say why a claim was refused). */
const guardHolds = (job: Job, anyOf: readonly FieldTest[] | undefined): boolean => !anyOf?.length || anyOf.some((t) => testHolds(job, t));

export type ClaimOutcome = { claim: 'claimed'; job: Job } | { claim: Exclude<StepClaim, 'claimed'>; job?: Job };

/**
 * Claims the step; a successful claim answers the job as it is right after the claim. With
 * `admission`, the job's state is part of the claim's condition; a failed claim answers the job
 * as it was (DynamoDB returns it with the failure; stand-ins without that get a consistent read)
 * and why: `missing`, `refused` (admission), `done` or `busy`.
 */
export async function claim(t: JobTable, jobId: string, step: string, leaseMs: number, admission?: ClaimAdmission): Promise<ClaimOutcome> {
  const e = new Expr();
  const mark = new WriteMark(step);
  return stepWrite(t, jobId, step, mark, e, e.update({ [leasePath(step)]: Date.now() + leaseMs, [mark.path]: mark.id }), [], admission);
}

/** The state change a step's one write makes (finishStep): on the message's attempt, with no conditions of its own. */
export type FinishingMove = Pick<TransitionInput, 'to' | 'set' | 'remove' | 'leases'>;

/**
 * A step whose one write ends it: `move` made on the claim's own conditions (a free step, the
 * admission), marking the step done, with no lease taken before it — for a step decided from its
 * message alone. Answers as a claim does: the job the write left, or the job as it was and why not.
 */
export async function finishStep(
  t: JobTable,
  jobId: string,
  step: string,
  admission: ClaimAdmission,
  move: FinishingMove,
  supersedes: readonly string[] = [],
): Promise<ClaimOutcome> {
  const e = new Expr();
  const mark = new WriteMark(step);
  const write = transitionWrite(e, { ...move, attempt: admission.attempt }, mark, new StepCompletion(step, supersedes));
  if (!write) throw new Error(`no job state moves to ${move.to}`);
  const from = fromStatesOf(move.to);
  return stepWrite(t, jobId, step, mark, e, write.update, write.conditions, admission, (job) => from.includes(job.status));
}

/**
 * `update` on condition that the step is free and the admission holds (and `conditions`, which
 * `fits` tests of a job in hand); see claim. A refusal of this very write — applied by an attempt
 * whose answer was lost, then retried by the SDK — is known by its WriteMark and counts as done.
 */
async function stepWrite(
  t: JobTable,
  jobId: string,
  step: string,
  mark: WriteMark,
  e: Expr,
  update: string,
  conditions: readonly string[],
  admission?: ClaimAdmission,
  fits: (job: Job) => boolean = () => true,
): Promise<ClaimOutcome> {
  const all = [`attribute_exists(${e.name('jobId')})`, ...stepFreeConditions(e, step, Date.now())];
  if (admission) {
    all.push(
      `${e.name('kind')} = ${e.value('job')}`,
      `${e.name('attempt')} = ${e.value(admission.attempt)}`,
      `NOT ${e.in('status', TERMINAL_STATUSES)}`,
    );
    if (admission.anyOf?.length) all.push(`(${admission.anyOf.map((g) => testExpr(e, g)).join(' OR ')})`);
  }
  all.push(...conditions);
  try {
    const out = await withWritesMap(t, jobId, () =>
      t.dynamo.send(
        new UpdateCommand({
          TableName: t.table,
          Key: { jobId },
          UpdateExpression: update,
          ConditionExpression: all.join(' AND '),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes,
        }),
      ),
    );
    return { claim: 'claimed', job: jobSchema.parse(out.Attributes) };
  } catch (err) {
    const { item, own } = await refusal(t, jobId, mark, err);
    const job = jobOf(item);
    if (!job) return { claim: 'missing' };
    if (own) return { claim: 'claimed', job };
    if (admission && (job.attempt !== admission.attempt || isTerminal(job.status) || !guardHolds(job, admission.anyOf))) {
      return { claim: 'refused', job };
    }
    if (!fits(job)) return { claim: 'refused', job };
    return { claim: job.done[step] ? 'done' : 'busy', job };
  }
}

export const claimStep = async (t: JobTable, jobId: string, step: string, leaseMs: number): Promise<StepClaim> =>
  (await claim(t, jobId, step, leaseMs)).claim;

/** Marks the step done and drops its lease; the `supersedes` steps' markers go (e.g. past polls). */
export const completeStep = (t: JobTable, jobId: string, step: string, supersedes: readonly string[] = []): Promise<void> =>
  writeCompletion(t, jobId, new StepCompletion(step, supersedes));

/** The completion's fields as a write of their own (when no job write of the step carried them). */
async function writeCompletion(t: JobTable, jobId: string, completion: StepCompletion): Promise<void> {
  const e = new Expr();
  const { set, remove } = completion.fields();
  const update = e.update(set, remove);
  await withWritesMap(t, jobId, () =>
    t.dynamo.send(new UpdateCommand({ TableName: t.table, Key: { jobId }, UpdateExpression: update, ...e.attributes })),
  );
}

/** Extends a lease the caller holds (a long step's heartbeat); false once the step is done or gone. */
export async function renewLease(t: JobTable, jobId: string, step: string, leaseMs: number): Promise<boolean> {
  const e = new Expr();
  const update = `SET ${e.name(leasePath(step))} = ${e.value(Date.now() + leaseMs)}`;
  const condition = `attribute_exists(${e.name('jobId')}) AND attribute_not_exists(${e.name(donePath(step))})`;
  const out = await conditional(() =>
    t.dynamo.send(
      new UpdateCommand({ TableName: t.table, Key: { jobId }, UpdateExpression: update, ConditionExpression: condition, ...e.attributes }),
    ),
  );
  return out !== undefined;
}

/** Gives the lease back after a failure so the redelivery can take the step at once. */
export async function releaseStep(t: JobTable, jobId: string, step: string): Promise<void> {
  const e = new Expr();
  const update = e.update({}, [leasePath(step)]);
  await t.dynamo
    .send(new UpdateCommand({ TableName: t.table, Key: { jobId }, UpdateExpression: update, ...e.attributes }))
    .catch(() => undefined);
}

export type StepResult<T> = { ran: true; value: T } | { ran: false; claim: Exclude<StepClaim, 'claimed'>; job?: Job };

export interface RunStepOptions {
  supersedes?: readonly string[];
  admission?: ClaimAdmission;
}

/**
 * Claim → run → complete, releasing the lease on failure. `work` gets the job as the claim left
 * it (a previous holder's writes included) and the step's completion: a job write of `work` that
 * carries it marks the step done itself (then there is no separate completeStep, nor a release
 * if `work` throws later). Returns what happened so the caller can log a duplicate; the step's
 * work runs at most once per success.
 */
export async function runStep<T>(
  t: JobTable,
  jobId: string,
  step: string,
  leaseMs: number,
  work: (job: Job, completion: StepCompletion) => Promise<T>,
  options: RunStepOptions = {},
): Promise<StepResult<T>> {
  const claimed = await claim(t, jobId, step, leaseMs, options.admission);
  if (claimed.claim !== 'claimed') return { ran: false, claim: claimed.claim, job: claimed.job };
  return { ran: true, value: await runHeldStep(t, jobId, step, (completion) => work(claimed.job, completion), options.supersedes) };
}

/**
 * Run → complete for a step whose lease the caller already holds (taken by an earlier write of
 * its own, e.g. the terminal move leases the outbox's deliveries); releases the lease on failure.
 */
export async function runHeldStep<T>(
  t: JobTable,
  jobId: string,
  step: string,
  work: (completion: StepCompletion) => Promise<T>,
  supersedes: readonly string[] = [],
): Promise<T> {
  const completion = new StepCompletion(step, supersedes);
  try {
    const value = await work(completion);
    if (!completion.recorded) await writeCompletion(t, jobId, completion);
    return value;
  } catch (err) {
    if (!completion.recorded) await releaseStep(t, jobId, step);
    throw err;
  }
}
