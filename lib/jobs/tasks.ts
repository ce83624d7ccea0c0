// VOD task → job lookup (`TASK#<vodTaskId>` items in the jobs table), for callbacks and pulled
// events that name only the task; plus a per-task "finished was reported" marker so the three
// sources of "task finished" (poll, callback, PullEvent) rarely enqueue it twice.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { conditional, ttlAfterDays, type JobTable } from './table';
import { taskKindSchema, type TaskKind } from './types';

const taskItem = z.object({
  jobId: z.string(),
  ownerJobId: z.string(),
  attempt: z.number().int(),
  task: taskKindSchema,
  reported: z.boolean().optional(),
});
export type TaskOwner = { jobId: string; attempt: number; task: TaskKind; reported: boolean };

export const taskKey = (vodTaskId: string) => ({ jobId: `TASK#${vodTaskId}` });

export async function indexTask(t: JobTable, vodTaskId: string, owner: Omit<TaskOwner, 'reported'>, ttlDays: number): Promise<void> {
  await t.dynamo.send(
    new PutCommand({
      TableName: t.table,
      Item: {
        ...taskKey(vodTaskId),
        kind: 'task',
        ownerJobId: owner.jobId,
        attempt: owner.attempt,
        task: owner.task,
        ttl: ttlAfterDays(ttlDays),
      },
    }),
  );
}

export async function taskOwner(t: JobTable, vodTaskId: string): Promise<TaskOwner | undefined> {
  const out = await t.dynamo.send(new GetCommand({ TableName: t.table, Key: taskKey(vodTaskId), ConsistentRead: true }));
  const parsed = taskItem.safeParse(out.Item);
  if (!parsed.success) return undefined;
  const { ownerJobId, attempt, task, reported } = parsed.data;
  return { jobId: ownerJobId, attempt, task, reported: reported ?? false };
}

/** Set after the "task finished" message is durably enqueued. */
export async function markTaskReported(t: JobTable, vodTaskId: string): Promise<void> {
  await conditional(() =>
    t.dynamo.send(
      new UpdateCommand({
        TableName: t.table,
        Key: taskKey(vodTaskId),
        UpdateExpression: 'SET #r = :t',
        ConditionExpression: 'attribute_exists(jobId)',
        ExpressionAttributeNames: { '#r': 'reported' },
        ExpressionAttributeValues: { ':t': true },
      }),
    ),
  );
}
