// Step markers: the idempotency of every handler. A step (e.g. `upload#2` = "initiate the
// upload of attempt 2") is claimed with a lease before its side effects and marked done after
// its next message is enqueued. A duplicate delivery finds the step done (drop it) or leased
// (drop it too: the lease holder's own message is still in flight and comes back if it dies,
// by which time the lease — never longer than the function timeout — has expired).
// Step names come from lib/pipeline/steps; here they are opaque map keys.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Expr } from './expr';
import { getJob } from './records';
import { conditional, isConditionFailure, type JobTable } from './table';
import { jobSchema, type Job } from './types';

export type StepClaim = 'claimed' | 'busy' | 'done' | 'missing';

const leasePath = (step: string) => `leases.${step}`;
const donePath = (step: string) => `done.${step}`;

/** Claims the step; a successful claim answers the job as it is right after the claim. */
export async function claim(
  t: JobTable,
  jobId: string,
  step: string,
  leaseMs: number,
): Promise<{ claim: 'claimed'; job: Job } | { claim: Exclude<StepClaim, 'claimed'> }> {
  const e = new Expr();
  const now = Date.now();
  const lease = e.name(leasePath(step));
  const done = e.name(donePath(step));
  const update = `SET ${lease} = ${e.value(now + leaseMs)}`;
  const condition = `attribute_exists(${e.name('jobId')}) AND attribute_not_exists(${done}) AND (attribute_not_exists(${lease}) OR ${lease} < ${e.value(now)})`;
  try {
    const out = await t.dynamo.send(
      new UpdateCommand({
        TableName: t.table,
        Key: { jobId },
        UpdateExpression: update,
        ConditionExpression: condition,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ...e.attributes,
      }),
    );
    return { claim: 'claimed', job: jobSchema.parse(out.Attributes) };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    // ALL_OLD saves a read on DynamoDB; stand-ins without it get the consistent read.
    const returned = (err as { Item?: Record<string, { M?: Record<string, unknown> }> }).Item;
    if (returned) return { claim: returned.done?.M?.[step] ? 'done' : 'busy' };
    const current = await getJob(t, jobId);
    if (!current) return { claim: 'missing' };
    return { claim: current.done[step] ? 'done' : 'busy' };
  }
}

export const claimStep = async (t: JobTable, jobId: string, step: string, leaseMs: number): Promise<StepClaim> =>
  (await claim(t, jobId, step, leaseMs)).claim;

/** Marks the step done and drops its lease; the `supersedes` steps' markers go (e.g. past polls). */
export async function completeStep(t: JobTable, jobId: string, step: string, supersedes: readonly string[] = []): Promise<void> {
  const e = new Expr();
  const update = e.update({ [donePath(step)]: true }, [leasePath(step), ...supersedes.map(donePath)]);
  await t.dynamo.send(new UpdateCommand({ TableName: t.table, Key: { jobId }, UpdateExpression: update, ...e.attributes }));
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

export type StepResult<T> = { ran: true; value: T } | { ran: false; claim: Exclude<StepClaim, 'claimed'> };

/**
 * Claim → run → complete, releasing the lease on failure. `work` gets the job as the claim left
 * it (a previous holder's writes included). Returns what happened so the caller can log a
 * duplicate; the step's work runs at most once per success.
 */
export async function runStep<T>(
  t: JobTable,
  jobId: string,
  step: string,
  leaseMs: number,
  work: (job: Job) => Promise<T>,
  supersedes: readonly string[] = [],
): Promise<StepResult<T>> {
  const claimed = await claim(t, jobId, step, leaseMs);
  if (claimed.claim !== 'claimed') return { ran: false, claim: claimed.claim };
  try {
    const value = await work(claimed.job);
    await completeStep(t, jobId, step, supersedes);
    return { ran: true, value };
  } catch (err) {
    await releaseStep(t, jobId, step);
    throw err;
  }
}
