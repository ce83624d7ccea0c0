// What one AWS SDK call costs the local stack in CPU, measured alone: the SDK client's work plus
// the stand-in's (fauxqs on this thread, dynalite on its own), on realistic items and messages.
// Multiplied by the calls a callback makes, it is the floor under the webhook's CPU per callback
// that no change to vodflow's handlers can go below without making fewer calls.
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export async function cpuMsPerCall(n: number, parallel: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) await call(next++);
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / n;
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
}): Promise<Map<string, number>> {
  const { dynamo, sqs, table, jobIds, body } = options;
  const n = options.calls ?? 2000;
  const parallel = 16;
  const costs = new Map<string, number>();
  const jobId = (i: number) => jobIds[i % jobIds.length]!;
  costs.set(
    'DynamoDB Get',
    await cpuMsPerCall(n, parallel, (i) =>
      dynamo.send(new GetCommand({ TableName: table, Key: { jobId: jobId(i) }, ConsistentRead: true })),
    ),
  );
  // A conditional update answering the whole item, as the job store's claims and transitions do.
  costs.set(
    'DynamoDB Update',
    await cpuMsPerCall(n, parallel, (i) =>
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
  costs.set('SQS SendMessage', await cpuMsPerCall(n, parallel, () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }))));
  // Batches of 10 with every attribute, as the pollers receive; the same messages then change
  // visibility (back to 0) one by one, are received again (not timed) and deleted in batches.
  const receiveAll = async () => {
    const handles: string[] = [];
    let calls = 0;
    while (handles.length < n) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      calls++;
      for (const m of Messages) handles.push(m.ReceiptHandle!);
    }
    return { handles, calls };
  };
  const before = process.cpuUsage();
  const first = await receiveAll();
  const used = process.cpuUsage(before);
  costs.set('SQS ReceiveMessage', (used.user + used.system) / 1000 / first.calls);
  costs.set(
    'SQS ChangeMessageVisibility',
    await cpuMsPerCall(n, parallel, (i) =>
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.handles[i]!, VisibilityTimeout: 0 })),
    ),
  );
  const again = (await receiveAll()).handles;
  costs.set(
    'SQS DeleteMessageBatch',
    await cpuMsPerCall(n / 10, parallel, (i) =>
      sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: again.slice(i * 10, i * 10 + 10).map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle })),
        }),
      ),
    ),
  );
  return costs;
}

/** Σ calls × cost for the calls that have a measured cost, in CPU ms per `per` (e.g. per callback). */
export function floorMs(calls: Map<string, number>, costs: Map<string, number>, per: number): number {
  let total = 0;
  for (const [name, count] of calls) total += (count / per) * (costs.get(name) ?? 0);
  return total;
}
