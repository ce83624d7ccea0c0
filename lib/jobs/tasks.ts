// VOD task → job lookup (`TASK#<vodTaskId>` items in the jobs table), for callbacks and pulled
// events that name only the task; plus a per-task "finished was reported" marker so the three
// sources of "task finished" (poll, callback, PullEvent) rarely enqueue it twice.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dynamo } from '../aws/clients';
import { config } from '../config';

export type TaskKind = 'pull' | 'procedure';

const taskItem = z.object({
  jobId: z.string(),
  ownerJobId: z.string(),
  attempt: z.number().int(),
  task: z.enum(['pull', 'procedure']),
  reported: z.boolean().optional(),
});
export type TaskOwner = { jobId: string; attempt: number; task: TaskKind; reported: boolean };

const key = (vodTaskId: string) => ({ jobId: `TASK#${vodTaskId}` });

export async function indexTask(vodTaskId: string, owner: { jobId: string; attempt: number; task: TaskKind }): Promise<void> {
  const ttl = Math.floor(Date.now() / 1000) + config().jobTtlDays * 86_400;
  await dynamo().send(
    new PutCommand({
      TableName: config().jobsTable,
      Item: { ...key(vodTaskId), kind: 'task', ownerJobId: owner.jobId, attempt: owner.attempt, task: owner.task, ttl },
    }),
  );
}

export async function taskOwner(vodTaskId: string): Promise<TaskOwner | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: config().jobsTable, Key: key(vodTaskId), ConsistentRead: true }));
  const parsed = taskItem.safeParse(out.Item);
  if (!parsed.success) return undefined;
  const { ownerJobId, attempt, task, reported } = parsed.data;
  return { jobId: ownerJobId, attempt, task, reported: reported ?? false };
}

/** Set after the "task finished" message is durably enqueued. */
export async function markTaskReported(vodTaskId: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: config().jobsTable,
      Key: key(vodTaskId),
      UpdateExpression: 'SET #r = :t',
      ConditionExpression: 'attribute_exists(jobId)',
      ExpressionAttributeNames: { '#r': 'reported' },
      ExpressionAttributeValues: { ':t': true },
    }),
  ).catch((err: unknown) => {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
  });
}
