// What one AWS SDK call costs the local stack in CPU, measured alone: the SDK client's work plus
// the stand-in's (fauxqs on this thread, dynalite on its own), on realistic items and messages.
// Multiplied by the calls a callback makes, it is the floor under the webhook's CPU per callback
// that no change to vodflow's handlers can go below without making fewer calls. Each cost is
// split by side: the client's (AWS SDK / VOD client: middleware, signing, serialisation,
// node:http client) is what a handler-side change could touch; the server's (fauxqs or the
// emulator on this thread, dynalite on its thread) is the stand-in's own.
import { limit } from './measure';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cpuShares, STACK_THREADS, startPhase } from './thread-cpu';
import { splitSides, startSampling } from './profile';

/** CPU ms of one call (every thread of the process), and how it splits. */
export interface CallCost {
  ms: number;
  /** Client side: the caller's thread, outside the stand-in's server frames. */
  clientMs: number;
  /** Server side: the stand-in's frames on this thread, plus the dynalite thread. */
  serverMs: number;
  /** What no stack tells apart (GC, socket reads, microtasks, other threads), shared by both. */
  sharedMs: number;
}

/** Calls numbered from `from`, `parallel` at a time. */
const run = (n: number, parallel: number, call: (i: number) => Promise<unknown>, from = 0): Promise<void> =>
  limit(
    Array.from({ length: n }, (_, i) => from + i),
    parallel,
    call,
  );

/**
 * Runs `n` calls, `parallel` at a time, and measures them: process CPU for the total, this
 * thread's and the dynalite thread's busy time for each thread's share. Then a quarter as many
 * more (i from n on) under a sampling profile of this thread, for the server / client split of
 * its part (apart, so that the profiler's own cost is not in the figure).
 */
export async function callCost(
  n: number,
  parallel: number,
  call: (i: number) => Promise<unknown>,
  profiled = Math.ceil(n / 4),
): Promise<CallCost> {
  const end = startPhase(STACK_THREADS);
  await run(n, parallel, call);
  const { cpuMs, busyMs } = end();
  const stop = await startSampling(250);
  await run(profiled, parallel, call, n);
  const sides = splitSides(await stop());
  const ms = cpuMs / n;
  // Busy time (wall) scaled to the measured CPU: the threads' shares, in CPU ms.
  const [mainMs = 0] = cpuShares(ms, busyMs);
  const dynaliteMs = ms - mainMs;
  return {
    ms,
    clientMs: mainMs * sides.client,
    serverMs: mainMs * sides.server + dynaliteMs,
    sharedMs: mainMs * sides.unattributed,
  };
}

/**
 * CPU ms per call by the names `countSdkCalls` gives ("DynamoDB Get", "SQS SendMessage", …).
 * `jobIds` are existing job items (their real size); `body` a message of the pipeline's size.
 */
export async function sdkCallCosts(options: {
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
  table: string;
  jobIds: string[];
  body: string;
  calls?: number;
}): Promise<Map<string, CallCost>> {
  const { dynamo, sqs, table, jobIds, body } = options;
  const n = options.calls ?? 2000;
  const parallel = 16;
  const costs = new Map<string, CallCost>();
  const jobId = (i: number) => jobIds[i % jobIds.length]!;
  costs.set(
    'DynamoDB Get',
    await callCost(n, parallel, (i) => dynamo.send(new GetCommand({ TableName: table, Key: { jobId: jobId(i) }, ConsistentRead: true }))),
  );
  // A conditional update answering the whole item, as the job store's claims and transitions do.
  costs.set(
    'DynamoDB Update',
    await callCost(n, parallel, (i) =>
      dynamo.send(
        new UpdateCommand({
          TableName: table,
          Key: { jobId: jobId(i) },
          UpdateExpression: 'SET #u = :u',
          ConditionExpression: 'attribute_exists(jobId)',
          ExpressionAttributeNames: { '#u': 'updatedAt' },
          ExpressionAttributeValues: { ':u': new Date().toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    ),
  );
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-floor-${Date.now().toString(36)}` }));
  costs.set('SQS SendMessage', await callCost(n, parallel, () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }))));
  const ten = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: body }));
  costs.set(
    'SQS SendMessageBatch',
    await callCost(n / 10, parallel, () => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ten }))),
  );
  // Batches of 10 with every attribute, as the pollers receive; the same messages then change
  // visibility (back to 0) one by one, are received again (not measured) and deleted in batches.
  const receive = async (into: string[]) => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    for (const m of Messages) into.push(m.ReceiptHandle!);
  };
  const first: string[] = [];
  costs.set('SQS ReceiveMessage', await callCost(n / 10, 1, () => receive(first)));
  costs.set(
    'SQS ChangeMessageVisibility',
    await callCost(
      Math.floor(first.length * 0.8),
      parallel,
      (i) => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first[i]!, VisibilityTimeout: 0 })),
      first.length - Math.floor(first.length * 0.8),
    ),
  );
  const again: string[] = [];
  while (again.length < first.length) await receive(again);
  costs.set(
    'SQS DeleteMessageBatch',
    await callCost(
      Math.floor(again.length / 12.5),
      parallel,
      (i) =>
        sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: again.slice(i * 10, i * 10 + 10).map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle })),
          }),
        ),
      Math.floor(again.length / 10) - Math.floor(again.length / 12.5),
    ),
  );
  return costs;
}

/** The shapes of the floor's own DynamoDB and SQS calls (bench/webhook-floor-worker.ts). */
export const FLOOR_CALL_SHAPES = {
  /** The webhook's read of the small item that names a task's job. */
  get: 'DynamoDB Get (task index)',
  /** The terminal write, answering the whole job. */
  updateReturning: 'DynamoDB Update (answers the job)',
  /** The record of the send, answering nothing. */
  updateSilent: 'DynamoDB Update (answers nothing)',
  send: 'SQS SendMessage',
} as const;

/**
 * The floor's own Get, Update and SendMessage shapes (FLOOR_CALL_SHAPES), each made with vodflow's
 * clients (the DocumentClient, no middleware cache) and with bare ones — a plain DynamoDBClient
 * and an SQS client, both with the SDK's middleware cache, as the floor makes them — alternately,
 * `rounds` rounds of `n` calls each after a warm-up, medians: what vodflow's client setup adds per
 * call, measured side by side (one pass of each drifts with the machine by more than that).
 */
export async function clientSetupCosts(options: {
  vodflow: { dynamo: DynamoDBDocumentClient; sqs: SQSClient };
  bare: { dynamo: DynamoDBClient; sqs: SQSClient };
  table: string;
  /** Job items of their real size. */
  jobIds: string[];
  /** Keys of task-index items. */
  taskKeys: string[];
  body: string;
  calls?: number;
  rounds?: number;
}): Promise<Map<string, { vodflow: number; bare: number }>> {
  const { vodflow, bare, table, jobIds, taskKeys, body } = options;
  const n = options.calls ?? 500;
  const rounds = options.rounds ?? 3;
  const jobId = (i: number) => jobIds[i % jobIds.length]!;
  const taskKey = (i: number) => taskKeys[i % taskKeys.length]!;
  const set = {
    UpdateExpression: 'SET #u = :u',
    ConditionExpression: 'attribute_exists(jobId)',
    ExpressionAttributeNames: { '#u': 'updatedAt' },
  };
  const update = (returnValues: 'ALL_NEW' | 'NONE') => ({
    vodflow: (i: number) =>
      vodflow.dynamo.send(
        new UpdateCommand({
          TableName: table,
          Key: { jobId: jobId(i) },
          ...set,
          ExpressionAttributeValues: { ':u': new Date().toISOString() },
          ReturnValues: returnValues,
        }),
      ),
    bare: (i: number) =>
      bare.dynamo.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { jobId: { S: jobId(i) } },
          ...set,
          ExpressionAttributeValues: { ':u': { S: new Date().toISOString() } },
          ReturnValues: returnValues,
        }),
      ),
  });
  const { QueueUrl } = await vodflow.sqs.send(new CreateQueueCommand({ QueueName: `bench-clients-${Date.now().toString(36)}` }));
  const kinds: Array<[string, { vodflow: (i: number) => Promise<unknown>; bare: (i: number) => Promise<unknown> }]> = [
    [
      FLOOR_CALL_SHAPES.get,
      {
        vodflow: (i) => vodflow.dynamo.send(new GetCommand({ TableName: table, Key: { jobId: taskKey(i) }, ConsistentRead: true })),
        bare: (i) => bare.dynamo.send(new GetItemCommand({ TableName: table, Key: { jobId: { S: taskKey(i) } }, ConsistentRead: true })),
      },
    ],
    [FLOOR_CALL_SHAPES.updateReturning, update('ALL_NEW')],
    [FLOOR_CALL_SHAPES.updateSilent, update('NONE')],
    [
      FLOOR_CALL_SHAPES.send,
      {
        vodflow: () => vodflow.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body })),
        bare: () => bare.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body })),
      },
    ],
  ];
  const cpuPerCall = async (count: number, call: (i: number) => Promise<unknown>) => {
    const end = startPhase(STACK_THREADS);
    await run(count, 16, call);
    return end().cpuMs / count;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const costs = new Map<string, { vodflow: number; bare: number }>();
  try {
    for (const [name, calls] of kinds) {
      const seen = { vodflow: [] as number[], bare: [] as number[] };
      await run(50, 16, calls.vodflow);
      await run(50, 16, calls.bare);
      for (let r = 0; r < rounds; r++)
        for (const side of r % 2 ? (['bare', 'vodflow'] as const) : (['vodflow', 'bare'] as const))
          seen[side].push(await cpuPerCall(n, calls[side]));
      costs.set(name, { vodflow: median(seen.vodflow), bare: median(seen.bare) });
    }
  } finally {
    await vodflow.sqs.send(new DeleteQueueCommand({ QueueUrl }));
  }
  return costs;
}

/** Σ calls × cost for the calls that have a measured cost, per `per` (e.g. per callback), by side. */
export function floorMs(calls: Map<string, number>, costs: Map<string, CallCost>, per: number): CallCost {
  const total: CallCost = { ms: 0, clientMs: 0, serverMs: 0, sharedMs: 0 };
  for (const [name, count] of calls) {
    const cost = costs.get(name);
    if (!cost) continue;
    for (const key of ['ms', 'clientMs', 'serverMs', 'sharedMs'] as const) total[key] += (count / per) * cost[key];
  }
  return total;
}
