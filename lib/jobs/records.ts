// Job items (keyed by jobId). Every status change is a conditional write: under at-least-once
// delivery the second writer loses instead of overwriting, and only the winner goes on to emit.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Expr } from './expr';
import { leaseFields, stepFreeConditions, type StepCompletion } from './markers';
import { conditional, isConditionFailure, nowIso, ttlAfterDays, withWritesMap, WriteMark, type JobTable } from './table';
import { fromStatesOf, jobSchema, TERMINAL_STATUSES, type Job, type JobSource, type JobStatus, type UploadMode } from './types';

/** A job item as read (consistent); `undefined` for no item or a TASK# lookup item. */
export async function getJob(t: JobTable, jobId: string): Promise<Job | undefined> {
  return jobOf(await getItem(t, jobId));
}

/** An item as a job; `undefined` for no item or a TASK# lookup item. */
export const jobOf = (item: Record<string, unknown> | undefined): Job | undefined =>
  item?.kind === 'job' ? jobSchema.parse(item) : undefined;

/** Any item by key, unparsed (the CLI shows a damaged record as it is). */
export async function getItem(t: JobTable, jobId: string): Promise<Record<string, unknown> | undefined> {
  const out = await t.dynamo.send(new GetCommand({ TableName: t.table, Key: { jobId }, ConsistentRead: true }));
  return out.Item;
}

/**
 * A conditional write's failure (anything but a failed condition is rethrown): the item as the
 * write found it — returned with the failure on DynamoDB (ReturnValuesOnConditionCheckFailure:
 * ALL_OLD), a consistent read on stand-ins without it — and whether that is the write itself,
 * applied by an attempt whose answer was lost (its id; lib/jobs/table WriteMark).
 */
export async function refusal(
  t: JobTable,
  jobId: string,
  mark: WriteMark,
  err: unknown,
): Promise<{ item?: Record<string, unknown>; own: boolean }> {
  if (!isConditionFailure(err)) throw err;
  const returned = (err as { Item?: Parameters<typeof unmarshall>[0] }).Item;
  const item = returned ? unmarshall(returned) : await getItem(t, jobId);
  return { item, own: mark.in(item) };
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
  writes: {},
  ...extra,
});

/** POST /uploads: the job exists (AWAITING_UPLOAD) before its object does. */
export async function reserveUpload(
  t: JobTable,
  jobId: string,
  source: Omit<JobSource, 'etag' | 'versionId'>,
  ttlDays: number,
  passthrough?: string,
): Promise<boolean> {
  const mark = new WriteMark(CREATION);
  const item = freshJob(
    jobId,
    'AWAITING_UPLOAD',
    { source, writes: { [mark.purpose]: mark.id }, ...(passthrough === undefined ? {} : { passthrough }) },
    ttlDays,
  );
  return ownConditional(t, jobId, mark, () =>
    t.dynamo.send(
      new PutCommand({
        TableName: t.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(jobId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
}

/** The purpose of the writes that create a job item or adopt a reservation (lib/jobs/table WriteMark). */
const CREATION = 'create';

/** Whether a conditional write went through: applied now, or applied by an attempt whose answer was lost (its WriteMark). */
async function ownConditional(t: JobTable, jobId: string, mark: WriteMark, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    return (await refusal(t, jobId, mark, err)).own;
  }
}

/**
 * Ingest: create the job, or adopt the reservation made by POST /uploads. `false` means the job
 * already existed past that point (a repeated notification), so the caller does nothing new.
 * `leases` (step → expiry ms) are taken by the same write: the creator holds those steps.
 */
export async function createJob(
  t: JobTable,
  jobId: string,
  source: JobSource,
  mode: UploadMode,
  ttlDays: number,
  leases: Readonly<Record<string, number>> = {},
): Promise<boolean> {
  const created = new WriteMark(CREATION);
  const put = () =>
    t.dynamo.send(
      new PutCommand({
        TableName: t.table,
        Item: freshJob(jobId, 'QUEUED', { source, mode, leases: { ...leases }, writes: { [created.purpose]: created.id } }, ttlDays),
        ConditionExpression: 'attribute_not_exists(jobId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  if (await ownConditional(t, jobId, created, put)) return true;
  const adopted = new WriteMark(CREATION);
  const e = new Expr();
  const update = e.update({
    status: 'QUEUED',
    source,
    mode,
    updatedAt: nowIso(),
    ttl: ttlAfterDays(ttlDays),
    ...leaseFields(leases),
    [adopted.path]: adopted.id,
  });
  const condition = `${e.name('status')} = ${e.value('AWAITING_UPLOAD')}`;
  const adopt = () =>
    withWritesMap(t, jobId, () =>
      t.dynamo.send(
        new UpdateCommand({
          TableName: t.table,
          Key: { jobId },
          UpdateExpression: update,
          ConditionExpression: condition,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes,
        }),
      ),
    );
  return ownConditional(t, jobId, adopted, adopt);
}

/** The fields a write may set: the record's own, never the bookkeeping maps. */
export type JobFields = Partial<
  Omit<Job, 'jobId' | 'status' | 'createdAt' | 'updatedAt' | 'leases' | 'done' | 'writes' | 'eventDeliveredTo'>
>;
type RemovableField = 'fileId' | 'pullTaskId' | 'vodTaskId' | 'processAttempt' | 'lastError';

export interface TransitionInput {
  to: JobStatus;
  /** The attempt the caller acted on; a job that has moved on to another attempt is left alone. */
  attempt: number;
  set?: JobFields;
  remove?: RemovableField[];
  /** Extra condition on the current task, e.g. `{ vodTaskId }`. */
  expect?: Partial<Pick<Job, 'vodTaskId' | 'pullTaskId'>>;
  /** Only if the job does not name one yet (a task of this attempt was not adopted meanwhile). */
  absent?: Array<'pullTaskId'>;
  /** Only if the field differs (or is absent), e.g. `{ processAttempt }`: no task of that attempt yet. */
  differs?: Partial<Pick<Job, 'processAttempt'>>;
  /** Narrows the states the move may start from (within the state machine's own). */
  from?: readonly JobStatus[];
  /** Step leases (step → expiry ms) the mover takes with the move, e.g. the outbox's deliveries. */
  leases?: Readonly<Record<string, number>>;
  /** Only while this step is neither done nor leased: no decision of it is made or being made. */
  stepFree?: string;
}

/** The purpose of a state change's WriteMark: the step it completes, else the state it moves to. */
export const transitionPurpose = (input: Pick<TransitionInput, 'to'>, completes?: StepCompletion): string =>
  completes?.step ?? `to:${input.to}`;

/**
 * The update and conditions of a state change (with `completes`, the step's done marker too;
 * `mark` records it as this writer's, see lib/jobs/table WriteMark);
 * `undefined` when no state may move to `input.to` within `input.from`.
 */
export function transitionWrite(
  e: Expr,
  input: TransitionInput,
  mark: WriteMark,
  completes?: StepCompletion,
): { update: string; conditions: string[] } | undefined {
  const marker = completes?.fields();
  const update = e.update(
    { ...input.set, status: input.to, updatedAt: nowIso(), ...leaseFields(input.leases ?? {}), ...marker?.set, [mark.path]: mark.id },
    [...(input.remove ?? []), ...(marker?.remove ?? [])],
  );
  const from = fromStatesOf(input.to).filter((s) => !input.from || input.from.includes(s));
  if (!from.length) return undefined;
  const conditions = [
    e.in('status', from),
    `${e.name('attempt')} = ${e.value(input.attempt)}`,
    ...Object.entries(input.expect ?? {}).map(([k, v]) => `${e.name(k)} = ${e.value(v)}`),
    ...(input.absent ?? []).map((k) => `attribute_not_exists(${e.name(k)})`),
    ...Object.entries(input.differs ?? {}).map(([k, v]) => `(attribute_not_exists(${e.name(k)}) OR ${e.name(k)} <> ${e.value(v)})`),
  ];
  if (input.stepFree) conditions.push(...stepFreeConditions(e, input.stepFree, Date.now()));
  return { update, conditions };
}

/**
 * A conditional state change; `undefined` when the job is not in a state that allows it. With
 * `completes`, the same write marks the caller's step done (only for its last write: nothing
 * external may follow that a redelivery would have to redo).
 */
export async function transition(t: JobTable, jobId: string, input: TransitionInput, completes?: StepCompletion): Promise<Job | undefined> {
  const e = new Expr();
  const mark = new WriteMark(transitionPurpose(input, completes));
  const write = transitionWrite(e, input, mark, completes);
  if (!write) return undefined;
  let item: Record<string, unknown> | undefined;
  try {
    const out = await withWritesMap(t, jobId, () =>
      t.dynamo.send(
        new UpdateCommand({
          TableName: t.table,
          Key: { jobId },
          UpdateExpression: write.update,
          ConditionExpression: write.conditions.join(' AND '),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes,
        }),
      ),
    );
    item = out.Attributes;
  } catch (err) {
    // Refused by this very write, applied by an attempt whose answer was lost: it is ours.
    const refused = await refusal(t, jobId, mark, err);
    if (!refused.own) return undefined;
    item = refused.item;
  }
  if (!item) return undefined;
  completes?.markRecorded();
  return jobSchema.parse(item);
}

/** Fields that change without a state change (progress); only while the attempt is current. */
export async function patchJob(t: JobTable, jobId: string, attempt: number, set: JobFields): Promise<boolean> {
  const e = new Expr();
  const update = e.update({ ...set, updatedAt: nowIso() });
  const condition = `${e.name('attempt')} = ${e.value(attempt)} AND NOT ${e.in('status', TERMINAL_STATUSES)}`;
  const out = await conditional(() =>
    t.dynamo.send(
      new UpdateCommand({ TableName: t.table, Key: { jobId }, UpdateExpression: update, ConditionExpression: condition, ...e.attributes }),
    ),
  );
  return out !== undefined;
}

/** Records one more destination that has the terminal event (outbox bookkeeping), with `completes` its delivery step done. */
export async function markEventDelivered(t: JobTable, jobId: string, destination: string, completes?: StepCompletion): Promise<void> {
  const e = new Expr();
  const marker = completes?.fields();
  const update = e.update(marker?.set ?? {}, marker?.remove ?? [], { eventDeliveredTo: new Set([destination]) });
  await withWritesMap(t, jobId, () =>
    t.dynamo.send(new UpdateCommand({ TableName: t.table, Key: { jobId }, UpdateExpression: update, ...e.attributes })),
  );
  completes?.markRecorded();
}
