// The jobs table: one item per job (keyed by jobId) plus one `TASK#<vodTaskId>` item per VOD
// task, so a callback that only knows the task finds its job. Every status change is a
// conditional write: under at-least-once delivery the second writer loses instead of
// overwriting, and only the winner goes on to emit anything.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients';
import { config } from '../config';
import { Expr } from './expr';
import { fromStatesOf, jobSchema, type Job, type JobSource, type JobStatus } from './types';

const table = () => config().jobsTable;
const nowIso = () => new Date().toISOString();
const ttlAfterDays = (days: number) => Math.floor(Date.now() / 1000) + days * 86_400;

export const isConditionFailure = (err: unknown): boolean =>
  err instanceof ConditionalCheckFailedException || (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/** Runs a conditional write; a failed condition is an answer (`undefined`), not an error. */
async function conditional<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}

export async function getJob(jobId: string): Promise<Job | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { jobId }, ConsistentRead: true }));
  if (!out.Item || out.Item.kind !== 'job') return undefined;
  return jobSchema.parse(out.Item);
}

const freshJob = (jobId: string, status: JobStatus, extra: Record<string, unknown>, ttlDays: number) => ({
  jobId,
  kind: 'job',
  status,
  attempt: 1,
  createdAt: nowIso(),
  updatedAt: nowIso(),
  ttl: ttlAfterDays(ttlDays),
  progress: 0,
  leases: {},
  done: {},
  ...extra,
});

/** POST /uploads: the job exists (AWAITING_UPLOAD) before its object does. */
export async function reserveUpload(jobId: string, source: Omit<JobSource, 'etag' | 'versionId'>, ttlDays: number): Promise<boolean> {
  const item = freshJob(jobId, 'AWAITING_UPLOAD', { source }, ttlDays);
  const put = () =>
    dynamo().send(new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(jobId)' }));
  return (await conditional(put)) !== undefined;
}

/**
 * Ingest: create the job, or adopt the reservation made by POST /uploads. `false` means the job
 * already existed past that point (a repeated notification), so the caller does nothing new.
 */
export async function createJob(jobId: string, source: JobSource, mode: 'pull' | 'push'): Promise<boolean> {
  const { jobTtlDays } = config();
  const put = () =>
    dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: freshJob(jobId, 'QUEUED', { source, mode }, jobTtlDays),
        ConditionExpression: 'attribute_not_exists(jobId)',
      }),
    );
  if (await conditional(put)) return true;
  const e = new Expr();
  const update = e.update({ status: 'QUEUED', source, mode, updatedAt: nowIso(), ttl: ttlAfterDays(jobTtlDays) });
  const condition = `${e.name('status')} = ${e.value('AWAITING_UPLOAD')}`;
  const adopt = () =>
    dynamo().send(
      new UpdateCommand({ TableName: table(), Key: { jobId }, UpdateExpression: update, ConditionExpression: condition, ...e.attributes }),
    );
  return (await conditional(adopt)) !== undefined;
}

export interface TransitionInput {
  to: JobStatus;
  /** The attempt the caller acted on; a job that has moved on to another attempt is left alone. */
  attempt: number;
  set?: Record<string, unknown>;
  remove?: string[];
  /** Extra condition on the current task, e.g. `{ vodTaskId }`. */
  expect?: Record<string, string>;
}

/** A conditional state change; `undefined` when the job is not in a state that allows it. */
export async function transition(jobId: string, input: TransitionInput): Promise<Job | undefined> {
  const e = new Expr();
  const update = e.update({ ...input.set, status: input.to, updatedAt: nowIso() }, input.remove);
  const conditions = [
    e.in('status', fromStatesOf(input.to)),
    `${e.name('attempt')} = ${e.value(input.attempt)}`,
    ...Object.entries(input.expect ?? {}).map(([k, v]) => `${e.name(k)} = ${e.value(v)}`),
  ];
  const out = await conditional(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { jobId },
        UpdateExpression: update,
        ConditionExpression: conditions.join(' AND '),
        ReturnValues: 'ALL_NEW',
        ...e.attributes,
      }),
    ),
  );
  return out?.Attributes ? jobSchema.parse(out.Attributes) : undefined;
}

/** Fields that change without a state change (progress); only while the attempt is current. */
export async function patchJob(jobId: string, attempt: number, set: Record<string, unknown>): Promise<boolean> {
  const e = new Expr();
  const update = e.update({ ...set, updatedAt: nowIso() });
  const condition = `${e.name('attempt')} = ${e.value(attempt)} AND NOT ${e.in('status', ['SUCCEEDED', 'FAILED'])}`;
  const out = await conditional(() =>
    dynamo().send(
      new UpdateCommand({ TableName: table(), Key: { jobId }, UpdateExpression: update, ConditionExpression: condition, ...e.attributes }),
    ),
  );
  return out !== undefined;
}

/** Records one more destination that has the terminal event (outbox bookkeeping). */
export async function markEventDelivered(jobId: string, destination: string): Promise<void> {
  const e = new Expr();
  const update = e.update({}, [], { eventDeliveredTo: new Set([destination]) });
  await dynamo().send(new UpdateCommand({ TableName: table(), Key: { jobId }, UpdateExpression: update, ...e.attributes }));
}
