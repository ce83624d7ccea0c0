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
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createVodClient } from '../lib/vod/client';

/** How a callback reaches classify: as vodflow routes it, or the leanest routing. */
export type FloorRouting = 'as-routed' | 'leanest';

/** The functions a floor thread runs (on Lambda each has environments of its own). */
export type FloorRole = 'webhook' | 'classify';

export interface FloorConfig {
  routing: FloorRouting;
  roles: FloorRole[];
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { sqs: string; dynamodb: string; vod: string };
  vod: { secretId: string; secretKey: string };
  table: string;
  queues: { classify: string; events: string };
  /** Key of the item that names a task's job (as-routed: the webhook must look it up). */
  taskKeyPrefix: string;
  /** Batches each queue's consumer runs at once (vodflow's SQS functions: maximumConcurrency 2). */
  concurrency: number;
}

/** What a thread reports when it stops: its calls by the bench's names, messages received, failed calls (and the first messages). */
export interface FloorCounts {
  calls: Record<string, number>;
  messages: number;
  errors: number;
  firstErrors: string[];
}

const config = workerData as FloorConfig;
// The SDK's cheapest setting: the middleware stack resolved once per client, not per call.
const clientConfig = { region: config.region, credentials: config.credentials, cacheMiddleware: true };
const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: config.endpoints.dynamodb });
const sqs = new SQSClient({ ...clientConfig, endpoint: config.endpoints.sqs });
const vod = createVodClient({ ...config.vod, endpoint: config.endpoints.vod, uploadEndpoint: config.endpoints.vod });
const S = (value: string): AttributeValue => ({ S: value });

const counts = { calls: new Map<string, number>(), messages: 0, errors: 0, firstErrors: [] as string[] };
const failed = (error: Error) => {
  if (counts.errors++ < 5) counts.firstErrors.push(error.message);
};
/** Counts a call under the name countSdkCalls gives it ("DynamoDB Get", "SQS SendMessage", …). */
const counted = <T>(name: string, call: Promise<T>): Promise<T> => {
  counts.calls.set(name, (counts.calls.get(name) ?? 0) + 1);
  return call;
};

/** The webhook: find the job (as-routed), confirm the callback by GetTaskInfo, hand it on. */
async function callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = JSON.parse(raw) as { jobId?: string; vodTaskId: string };
  let jobId = body.jobId;
  if (!jobId) {
    const Key = { jobId: S(config.taskKeyPrefix + body.vodTaskId) };
    const { Item } = await counted('DynamoDB Get', dynamo.send(new GetItemCommand({ TableName: config.table, Key, ConsistentRead: true })));
    jobId = Item?.ownerJobId?.S;
  }
  const task = await counted('VOD GetTaskInfo', vod.call('GetTaskInfo', { vodTaskId: body.vodTaskId }));
  const data = task.body.data as { status?: string; errCode?: number; message?: string } | undefined;
  if (!jobId || data?.status !== 'FINISH') {
    res.writeHead(404).end();
    return;
  }
  const failure = JSON.stringify({ jobId, vodTaskId: body.vodTaskId, code: data.errCode ?? 0, message: data.message ?? '' });
  await counted('SQS SendMessage', sqs.send(new SendMessageCommand({ QueueUrl: config.queues.classify, MessageBody: failure })));
  res.writeHead(200).end();
}

/** Sends up to 10 entries in one call; a refused entry fails the batch (it is then received again). */
async function sendBatch(queueUrl: string, entries: SendMessageBatchRequestEntry[]): Promise<void> {
  const { Failed = [] } = await counted(
    'SQS SendMessageBatch',
    sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })),
  );
  if (Failed.length) throw new Error(`SendMessageBatch refused ${Failed.length} of ${entries.length}: ${Failed[0]!.Code}`);
}

interface Failure {
  jobId: string;
  vodTaskId: string;
  code: number;
  message: string;
}

/** The event, built from the terminal item alone: any copy that finds the job terminal builds the same one. */
function eventOf(item: Record<string, AttributeValue>): SendMessageBatchRequestEntry {
  const job = unmarshall(item) as { jobId: string; fileId?: string; source?: unknown; attempt?: number; failure: Omit<Failure, 'jobId'> };
  const id = `${job.jobId}:failed`;
  const body = JSON.stringify({
    specversion: '1.0',
    id,
    type: 'vodflow.video.failed',
    source: 'vodflow',
    subject: job.jobId,
    data: { jobId: job.jobId, fileId: job.fileId, source: job.source, attempt: job.attempt, ...job.failure, retryable: false },
  });
  return { Id: '', MessageBody: body, MessageGroupId: job.jobId, MessageDeduplicationId: id };
}

/**
 * The job's terminal write, conditional (one event however many copies race), returning the new
 * item to build the event from: no read before it. A copy that finds the job terminal rebuilds the
 * event unless it was recorded as sent; DynamoDB hands it the item with the refusal, dynalite does
 * not (it ignores ReturnValuesOnConditionCheckFailure), so there that rare copy reads it.
 */
async function terminal(failure: Failure): Promise<SendMessageBatchRequestEntry | undefined> {
  const Key = { jobId: S(failure.jobId) };
  try {
    const { Attributes } = await counted(
      'DynamoDB Update',
      dynamo.send(
        new UpdateItemCommand({
          TableName: config.table,
          Key,
          UpdateExpression: 'SET #status = :failed, failure = :failure',
          // The job waits on this task (an orphan task's failure must not end it).
          ConditionExpression: '#status = :processing AND vodTaskId = :vodTaskId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': S('FAILED'),
            ':processing': S('PROCESSING'),
            ':vodTaskId': S(failure.vodTaskId),
            ':failure': { M: { vodTaskId: S(failure.vodTaskId), code: { N: String(failure.code) }, message: S(failure.message) } },
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return eventOf(Attributes!);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const item =
      error.Item ??
      (await counted('DynamoDB Get', dynamo.send(new GetItemCommand({ TableName: config.table, Key, ConsistentRead: true })))).Item;
    return item?.status?.S === 'FAILED' && !item.eventSent ? eventOf(item) : undefined;
  }
}

/** classify-error's part for a batch: terminal writes, one send of their events, then the record of it. */
async function classify(messages: Message[]): Promise<void> {
  const entries = (await Promise.all(messages.map((m) => terminal(JSON.parse(m.Body!) as Failure)))).filter((e) => e !== undefined);
  if (!entries.length) return;
  await sendBatch(
    config.queues.events,
    entries.map((e, i) => ({ ...e, Id: String(i) })),
  );
  // Else a copy arriving after the FIFO queue's 5-minute deduplication would send the event again.
  await Promise.all(
    entries.map((e) =>
      counted(
        'DynamoDB Update',
        dynamo.send(
          new UpdateItemCommand({
            TableName: config.table,
            Key: { jobId: S(e.MessageGroupId!) },
            UpdateExpression: 'SET eventSent = :true',
            ExpressionAttributeValues: { ':true': { BOOL: true } },
          }),
        ),
      ),
    ),
  );
}

/** Lambda's SQS event source, bare: long polls of up to 10, `concurrency` batches at once. */
function consume(queueUrl: string, handle: (messages: Message[]) => Promise<void>): () => Promise<void> {
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      try {
        const { Messages = [] } = await counted(
          'SQS ReceiveMessage',
          sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })),
        );
        if (!Messages.length) continue;
        counts.messages += Messages.length;
        await handle(Messages);
        const Entries = Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
        await counted('SQS DeleteMessageBatch', sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries })));
      } catch (error) {
        // As Lambda's event source: the batch is left to come back after its visibility timeout.
        failed(error as Error);
      }
    }
  };
  const polls = Array.from({ length: config.concurrency }, poll);
  return async () => {
    stopped = true;
    await Promise.all(polls);
  };
}

const has = (role: FloorRole) => config.roles.includes(role);
const stops = has('classify') ? [consume(config.queues.classify, classify)] : [];
const server = has('webhook')
  ? createServer((req, res) => {
      // /noop: a POST read and answered with nothing done, to price the load's own HTTP traffic.
      if (req.url === '/noop') req.resume().on('end', () => res.writeHead(204).end());
      else
        callback(req, res).catch((error: Error) => {
          failed(error);
          res.writeHead(500).end();
        });
    })
  : undefined;
if (server)
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    parentPort!.postMessage({ port: typeof address === 'object' && address ? address.port : 0 });
  });
else parentPort!.postMessage({ port: 0 });
parentPort!.on('message', async (message: string) => {
  if (message === 'reset') {
    counts.calls.clear();
    counts.messages = 0;
    parentPort!.postMessage({ reset: true });
    return;
  }
  if (message !== 'stop') return;
  server?.close();
  await Promise.all(stops.map((stop) => stop()));
  dynamo.destroy();
  sqs.destroy();
  const report: FloorCounts = {
    calls: Object.fromEntries(counts.calls),
    messages: counts.messages,
    errors: counts.errors,
    firstErrors: counts.firstErrors,
  };
  parentPort!.postMessage({ stopped: report });
});
