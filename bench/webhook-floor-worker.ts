// The floor pipeline's functions (bench/webhook-floor.ts): the fewest calls a crash-safe chain
// from a failed task's callback to its video.failed event can make, as bare code on the AWS SDK —
// no middy, zod, Powertools, logging or local runtime — in threads of their own, so that they
// share no event loop with the stand-ins. Only the signed GetTaskInfo is vodflow's (its VOD client: no
// VOD SDK speaks API 2.0 faster, see the signer section).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { createVodClient } from '../lib/vod/client';

/** How a callback reaches classify: as vodflow routes it, or the leanest routing. */
export type FloorRouting = 'as-routed' | 'leanest';

/** The functions a floor thread runs (on Lambda each has environments of its own). */
export type FloorRole = 'webhook' | 'forward' | 'classify';

export interface FloorConfig {
  routing: FloorRouting;
  roles: FloorRole[];
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { sqs: string; dynamodb: string; vod: string };
  vod: { secretId: string; secretKey: string };
  table: string;
  /** `result` only in as-routed: the hop the webhook hands a callback to, forwarded to classify. */
  queues: { result?: string; classify: string; events: string };
  /** Key of the item that names a task's job (as-routed: the webhook must look it up). */
  taskKeyPrefix: string;
  /** Batches each queue's consumer runs at once (vodflow's SQS functions: maximumConcurrency 2). */
  concurrency: number;
}

const config = workerData as FloorConfig;
// The SDK's cheapest setting: the middleware stack resolved once per client, not per call.
const clientConfig = { region: config.region, credentials: config.credentials, cacheMiddleware: true };
const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: config.endpoints.dynamodb });
const sqs = new SQSClient({ ...clientConfig, endpoint: config.endpoints.sqs });
const vod = createVodClient({ ...config.vod, endpoint: config.endpoints.vod, uploadEndpoint: config.endpoints.vod });
const S = (value: string): AttributeValue => ({ S: value });

/** The webhook: find the job (as-routed), confirm the callback by GetTaskInfo, hand it on. */
async function callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = JSON.parse(raw) as { jobId?: string; vodTaskId: string };
  let jobId = body.jobId;
  if (!jobId) {
    const { Item } = await dynamo.send(
      new GetItemCommand({ TableName: config.table, Key: { jobId: S(config.taskKeyPrefix + body.vodTaskId) }, ConsistentRead: true }),
    );
    jobId = Item?.ownerJobId?.S;
  }
  const task = await vod.call('GetTaskInfo', { vodTaskId: body.vodTaskId });
  const data = task.body.data as { status?: string; errCode?: number; message?: string } | undefined;
  if (!jobId || data?.status !== 'FINISH') {
    res.writeHead(404).end();
    return;
  }
  const failure = JSON.stringify({ jobId, vodTaskId: body.vodTaskId, code: data.errCode, message: data.message });
  await sqs.send(new SendMessageCommand({ QueueUrl: config.queues.result ?? config.queues.classify, MessageBody: failure }));
  res.writeHead(200).end();
}

/** publish-result's part for a failure (as-routed only): hand it on. */
const forward = async (m: Message) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: config.queues.classify, MessageBody: m.Body! }));
};

/**
 * classify-error's part: read the job, make it terminal with its event in one conditional write,
 * send the event, record the send (an outbox: a copy that finds the job terminal re-sends the
 * stored event unless it was recorded as sent).
 */
async function classify(m: Message): Promise<void> {
  const failure = JSON.parse(m.Body!) as { jobId: string; vodTaskId: string; code: number; message: string };
  const Key = { jobId: S(failure.jobId) };
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: config.table, Key, ConsistentRead: true }));
  if (!Item) return;
  let event = JSON.stringify({
    id: `${failure.jobId}:failed`,
    type: 'vodflow.video.failed',
    subject: failure.jobId,
    data: { fileId: Item.fileId?.S, vodTaskId: failure.vodTaskId, code: failure.code, message: failure.message, retryable: false },
  });
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: config.table,
        Key,
        UpdateExpression: 'SET #status = :failed, outbox = :event',
        ConditionExpression: '#status = :processing',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': S('FAILED'), ':processing': S('PROCESSING'), ':event': S(event) },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const { Item: now } = await dynamo.send(new GetItemCommand({ TableName: config.table, Key, ConsistentRead: true }));
    if (!now?.outbox?.S) return;
    event = now.outbox.S;
  }
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: config.queues.events,
      MessageBody: event,
      MessageGroupId: failure.jobId,
      MessageDeduplicationId: `${failure.jobId}:failed`,
    }),
  );
  await dynamo.send(new UpdateItemCommand({ TableName: config.table, Key, UpdateExpression: 'REMOVE outbox' }));
}

/** Lambda's SQS event source, bare: long polls of up to 10, `concurrency` batches at once. */
function consume(queueUrl: string, handle: (m: Message) => Promise<void>): () => Promise<void> {
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (!Messages.length) continue;
      await Promise.all(Messages.map(handle));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  };
  const polls = Array.from({ length: config.concurrency }, poll);
  return async () => {
    stopped = true;
    await Promise.all(polls);
  };
}

const has = (role: FloorRole) => config.roles.includes(role);
const stops = [
  ...(has('forward') && config.queues.result ? [consume(config.queues.result, forward)] : []),
  ...(has('classify') ? [consume(config.queues.classify, classify)] : []),
];
const server = has('webhook')
  ? createServer((req, res) => {
      // /noop: a POST read and answered with nothing done, to price the load's own HTTP traffic.
      if (req.url === '/noop') req.resume().on('end', () => res.writeHead(204).end());
      else callback(req, res).catch(() => res.writeHead(500).end());
    })
  : undefined;
if (server)
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    parentPort!.postMessage({ port: typeof address === 'object' && address ? address.port : 0 });
  });
else parentPort!.postMessage({ port: 0 });
parentPort!.on('message', async (message: string) => {
  if (message !== 'stop') return;
  server?.close();
  await Promise.all(stops.map((stop) => stop()));
  dynamo.destroy();
  sqs.destroy();
  parentPort!.postMessage({ stopped: true });
});
