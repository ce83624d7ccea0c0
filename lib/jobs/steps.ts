// Step markers: the idempotency of every handler. A step (e.g. `upload#2` = "initiate the
// upload of attempt 2") is claimed with a lease before its side effects and marked done after
// its next message is enqueued. A duplicate delivery finds the step done (drop it) or leased
// (drop it too: the lease holder's own message is still in flight and comes back if it dies,
// by which time the lease — never longer than the function timeout — has expired).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients';
import { config } from '../config';
import { Expr } from './expr';
import { getJob, isConditionFailure } from './store';

export type StepClaim = 'claimed' | 'busy' | 'done' | 'missing';

const table = () => config().jobsTable;

export async function claimStep(jobId: string, step: string, leaseMs: number): Promise<StepClaim> {
  const e = new Expr();
  const now = Date.now();
  const lease = e.name(`leases.${step}`);
  const done = e.name(`done.${step}`);
  const update = `SET ${lease} = ${e.value(now + leaseMs)}`;
  const condition = `attribute_exists(${e.name('jobId')}) AND attribute_not_exists(${done}) AND (attribute_not_exists(${lease}) OR ${lease} < ${e.value(now)})`;
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { jobId },
        UpdateExpression: update,
        ConditionExpression: condition,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ...e.attributes,
      }),
    );
    return 'claimed';
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    // ALL_OLD saves a read on DynamoDB; stand-ins without it get the consistent read.
    const returned = (err as { Item?: Record<string, { M?: Record<string, unknown> }> }).Item;
    if (returned) return returned.done?.M?.[step] ? 'done' : 'busy';
    const current = await getJob(jobId);
    if (!current) return 'missing';
    return current.done[step] ? 'done' : 'busy';
  }
}

/** Marks the step done and drops its lease; `alsoRemove` clears older markers (e.g. past polls). */
export async function completeStep(jobId: string, step: string, alsoRemove: string[] = []): Promise<void> {
  const e = new Expr();
  const update = e.update({ [`done.${step}`]: true }, [`leases.${step}`, ...alsoRemove]);
  await dynamo().send(new UpdateCommand({ TableName: table(), Key: { jobId }, UpdateExpression: update, ...e.attributes }));
}

/** Gives the lease back after a failure so the redelivery can take the step at once. */
export async function releaseStep(jobId: string, step: string): Promise<void> {
  const e = new Expr();
  const update = e.update({}, [`leases.${step}`]);
  await dynamo()
    .send(new UpdateCommand({ TableName: table(), Key: { jobId }, UpdateExpression: update, ...e.attributes }))
    .catch(() => undefined);
}

/**
 * Claim → run → complete, releasing the lease on failure. Returns what happened so the caller can
 * log a duplicate; the step's work runs at most once per success.
 */
export async function runStep<T>(
  jobId: string,
  step: string,
  leaseMs: number,
  work: () => Promise<T>,
  alsoRemove: string[] = [],
): Promise<{ ran: true; value: T } | { ran: false; claim: Exclude<StepClaim, 'claimed'> }> {
  const claim = await claimStep(jobId, step, leaseMs);
  if (claim !== 'claimed') return { ran: false, claim };
  try {
    const value = await work();
    await completeStep(jobId, step, alsoRemove);
    return { ran: true, value };
  } catch (err) {
    await releaseStep(jobId, step);
    throw err;
  }
}
