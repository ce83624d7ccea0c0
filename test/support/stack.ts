// In-process stand-ins for the pipeline tests: fauxqs (SQS + S3) and dynalite (DynamoDB) on
// 127.0.0.1, queues and table created from serverless.yml itself (so the wiring under test is the
// deployed wiring), the VOD emulator, and a minimal driver that pumps a queue into its handler
// the way the Lambda SQS integration does (receive → invoke → delete what succeeded).
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { buildApp } from 'fauxqs';
import { parse } from 'yaml';
// @ts-expect-error dynalite ships no types
import dynalite from 'dynalite';
import { freshContainer } from '../../lib/container';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const SERVICE = 'vodflow';
const STAGE = 'test';
const REGION = 'us-east-1';

/** serverless.yml's resources with `${self:service}`/`${sls:stage}`/`${param:uploadBucket}` filled in. */
export function stackResources(): Resources {
  const text = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')
    .replaceAll('${self:service}', SERVICE)
    .replaceAll('${sls:stage}', STAGE)
    .replaceAll('${param:uploadBucket}', `${SERVICE}-${STAGE}-uploads`);
  return (parse(text) as { resources: { Resources: Resources } }).resources.Resources;
}

/** `events.fifo` for the events queue: short names are the queue names without the prefix. */
export const queueName = (short: string) => `${SERVICE}-${STAGE}-${short}`;

const FIFO_ATTRIBUTES = ['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'];

export interface Stack {
  sqs: SQSClient;
  s3: S3Client;
  endpoint: string;
  dynamoEndpoint: string;
  bucket: string;
  table: string;
  queueUrl: (short: string) => string;
  /** Sets process.env for the handlers (endpoints, queue URLs, table, bucket) plus `extra`. */
  applyEnv(extra?: Record<string, string | undefined>): void;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  // Queue URLs read http://sqs.<region>.localhost:<port>/…; requests still go to the 127.0.0.1 endpoint.
  const app = buildApp({ logger: false, host: 'localhost', defaultRegion: REGION });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const endpoint = `http://127.0.0.1:${port}`;

  const dyn = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dyn.listen(0, '127.0.0.1', () => resolve()));
  const dynamoEndpoint = `http://127.0.0.1:${(dyn.address() as { port: number }).port}`;

  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const sqs = new SQSClient({ endpoint, region: REGION, credentials });
  const s3 = new S3Client({ endpoint, region: REGION, credentials, forcePathStyle: true });
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: REGION, credentials });

  const resources = stackResources();
  const urls = new Map<string, string>();
  let bucket = '';
  let table = '';
  // The queues' visibility timeouts as serverless.yml gives them to the functions
  // (QUEUE_VISIBILITY_TIMEOUTS), so the outbox takes its deployed path. The queues here keep
  // fauxqs's 30 s: a test that receives by hand sets the visibility, and the crash rig brings a
  // crashed record back itself once the dead holder's lease is over.
  const visibility: string[] = [];
  for (const res of Object.values(resources)) {
    const p = res.Properties;
    if (res.Type === 'AWS::SQS::Queue') {
      const name = p.QueueName as string;
      // FIFO queues (the events queue) need their kind at creation; other attributes keep fauxqs's defaults.
      const fifo = FIFO_ATTRIBUTES.filter((a) => p[a] !== undefined).map((a) => [a, String(p[a])]);
      const out = await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: fifo.length ? Object.fromEntries(fifo) : undefined }),
      );
      urls.set(name, out.QueueUrl!);
      if (p.VisibilityTimeout !== undefined) visibility.push(`${name}=${p.VisibilityTimeout}`);
    } else if (res.Type === 'AWS::S3::Bucket') {
      bucket = p.BucketName as string;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } else if (res.Type === 'AWS::DynamoDB::Table') {
      table = p.TableName as string;
      await dynamo.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: p.AttributeDefinitions as never,
          KeySchema: p.KeySchema as never,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  }
  const queueUrl = (short: string) => {
    const url = urls.get(queueName(short));
    if (!url) throw new Error(`serverless.yml declares no queue ${queueName(short)}`);
    return url;
  };

  return {
    sqs,
    s3,
    endpoint,
    dynamoEndpoint,
    bucket,
    table,
    queueUrl,
    applyEnv(extra = {}) {
      Object.assign(process.env, {
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_SQS: endpoint,
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
        JOBS_TABLE: table,
        UPLOAD_BUCKET: bucket,
        UPLOAD_QUEUE_URL: queueUrl('upload'),
        PROCESS_QUEUE_URL: queueUrl('process'),
        POLL_QUEUE_URL: queueUrl('poll'),
        RESULT_QUEUE_URL: queueUrl('result'),
        CLASSIFY_QUEUE_URL: queueUrl('classify'),
        EVENTS_QUEUE_URL: queueUrl('events.fifo'),
        DELIVER_QUEUE_URL: queueUrl('deliver'),
        QUEUE_VISIBILITY_TIMEOUTS: visibility.join(','),
      });
      for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      freshContainer();
    },
    async close() {
      sqs.destroy();
      s3.destroy();
      dynamo.destroy();
      await app.close();
      await new Promise<void>((resolve) => dyn.close(() => resolve()));
    },
  };
}

/** A Lambda context good enough for middy and Powertools. */
export function lambdaContext(functionName: string, remainingMs = 30_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type SqsLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** A received message as the SQS event source hands it to Lambda. */
export function sqsRecord(m: Message, short: string): SQSRecord {
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body!,
    attributes: {
      ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:000000000000:${queueName(short)}`,
    awsRegion: REGION,
  };
}

/**
 * One Lambda-style poll of a queue: receive up to 10 messages, invoke the handler with them as
 * an SQS event, delete the successes; failures become visible again at once (instead of after
 * the visibility timeout) so tests do not wait. Returns how many messages were handled.
 */
export async function pumpOnce(stack: Stack, short: string, handler: SqsLambda): Promise<{ received: number; failed: number }> {
  const url = stack.queueUrl(short);
  const out = await stack.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  const messages = out.Messages ?? [];
  if (!messages.length) return { received: 0, failed: 0 };
  const records = messages.map((m) => sqsRecord(m, short));
  const res = (await handler({ Records: records }, lambdaContext(short))) ?? { batchItemFailures: [] };
  const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
  const ok = messages.filter((m) => !failed.has(m.MessageId!));
  if (ok.length) {
    await stack.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: ok.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
    );
  }
  const bad = messages.filter((m) => failed.has(m.MessageId!));
  if (bad.length) {
    await stack.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: bad.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return { received: messages.length, failed: bad.length };
}

/** Receives (and deletes) everything currently on a queue, parsed as JSON. */
export async function drainQueue(stack: Stack, short: string): Promise<unknown[]> {
  const url = stack.queueUrl(short);
  const all: unknown[] = [];
  for (;;) {
    const out = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = out.Messages ?? [];
    if (!messages.length) return all;
    all.push(...messages.map((m) => JSON.parse(m.Body!)));
    await stack.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Pumps every given queue into its handler until `done()` or the time limit; between idle rounds
 * it waits a little (the emulator is transcoding meanwhile).
 */
export async function runUntil(
  stack: Stack,
  handlers: Record<string, SqsLambda>,
  done: () => Promise<boolean>,
  { timeoutMs = 45_000, idleMs = 150 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return;
    let busy = 0;
    for (const [short, handler] of Object.entries(handlers)) busy += (await pumpOnce(stack, short, handler)).received;
    if (!busy) await sleep(idleMs);
  }
  throw new Error(`pipeline did not settle within ${timeoutMs} ms`);
}
