import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  GetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/stack';
import { recorder } from '../fixtures/handlers/recorder';
import { recorded, recordedContexts, startFixtureStack, waitFor } from '../helpers';

let stack: LocalStack;
let sqs: SQSClient;

beforeAll(async () => {
  stack = await startFixtureStack();
  sqs = new SQSClient({ region: stack.region, endpoint: stack.endpoints.sqs, credentials: stack.credentials });
});

afterAll(async () => {
  sqs?.destroy();
  await stack?.close();
});

/** Every delivery of the message whose body has this tag, as the handler saw it. */
const deliveries = (fn: string, tag: string): SQSRecord[] =>
  (recorded(fn) as SQSEvent[]).flatMap((e) => e.Records).filter((r) => (JSON.parse(r.body) as { tag?: string }).tag === tag);

const send = (queue: string, body: object) =>
  sqs.send(new SendMessageCommand({ QueueUrl: stack.queues[queue]!.url, MessageBody: JSON.stringify(body) }));

async function drainDlq(tag: string, timeoutMs = 8000): Promise<{ Body?: string; Attributes?: Record<string, string> }> {
  const found: Array<{ Body?: string; Attributes?: Record<string, string> }> = [];
  return waitFor(
    async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.queues.WorkDlq!.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 30,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      found.push(...Messages);
      return found.find((m) => (JSON.parse(m.Body!) as { tag: string }).tag === tag);
    },
    timeoutMs,
    `${tag} in the DLQ`,
  );
}

describe('SQS event source mapping', () => {
  it('builds the SQS event as Lambda does and deletes the message after success', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.WorkQueue!.url,
        MessageBody: JSON.stringify({ mode: 'ok', tag: 'shape' }),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'demo' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    const [record] = await waitFor(
      () => (deliveries('worker', 'shape').length ? deliveries('worker', 'shape') : undefined),
      5000,
      'delivery',
    );
    expect(record).toMatchObject({
      body: JSON.stringify({ mode: 'ok', tag: 'shape' }),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:eu-west-1:000000000000:fixture-dev-work`,
      awsRegion: 'eu-west-1',
      attributes: { ApproximateReceiveCount: '1', SenderId: '000000000000' },
      messageAttributes: {
        kind: { stringValue: 'demo', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from([1, 2, 3]).toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(record!.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record!.receiptHandle.length).toBeGreaterThan(0);
    expect(record!.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(record!.attributes.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
    const context = recordedContexts('worker').at(-1) as { functionName: string; remaining: number };
    expect(context.functionName).toBe('fixture-dev-worker');
    expect(context.remaining).toBeGreaterThan(2000); // timeout 3 s
    expect(context.remaining).toBeLessThanOrEqual(3000);
    await stack.waitForIdle({ timeoutMs: 5000 });
    expect(deliveries('worker', 'shape')).toHaveLength(1);
  });

  it('deletes reported successes, redelivers reported failures after the visibility timeout, then redrives them to the DLQ', async () => {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.queues.WorkQueue!.url,
        Entries: [
          { Id: 'a', MessageBody: JSON.stringify({ mode: 'ok', tag: 'pb-ok-1' }) },
          { Id: 'b', MessageBody: JSON.stringify({ mode: 'fail', tag: 'pb-fail' }) },
          { Id: 'c', MessageBody: JSON.stringify({ mode: 'ok', tag: 'pb-ok-2' }) },
        ],
      }),
    );
    const dead = await drainDlq('pb-fail');
    expect(deliveries('worker', 'pb-ok-1')).toHaveLength(1);
    expect(deliveries('worker', 'pb-ok-2')).toHaveLength(1);
    const failed = deliveries('worker', 'pb-fail');
    expect(failed.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']); // maxReceiveCount 2
    // redelivered no sooner than the queue's 1 s visibility timeout
    const at = (recorded('worker') as SQSEvent[])
      .map((e, i) => ({ e, at: (recordedContexts('worker')[i] as { at: number }).at }))
      .filter(({ e }) => e.Records.some((r) => r.body.includes('pb-fail')))
      .map(({ at }) => at);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(3);
  });

  it('keeps the whole batch when the handler throws', async () => {
    await send('WorkQueue', { mode: 'throw', tag: 'thrown' });
    await drainDlq('thrown');
    expect(deliveries('worker', 'thrown').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  });

  it('fails the whole batch on a malformed partial-batch response', async () => {
    await send('WorkQueue', { mode: 'bogus', tag: 'bogus' });
    await drainDlq('bogus');
    expect(deliveries('worker', 'bogus')).toHaveLength(2);
  });

  it('ignores a returned failure list without ReportBatchItemFailures', async () => {
    await send('StrictQueue', { tag: 'strict' });
    await waitFor(() => deliveries('strict', 'strict').length === 1 || undefined, 5000, 'strict delivery');
    await stack.waitForIdle({ timeoutMs: 5000 });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: stack.queues.StrictQueue!.url, AttributeNames: ['All'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
    expect(deliveries('strict', 'strict')).toHaveLength(1);
  });

  it('never runs more invocations of a function than its concurrency (reserved, else the default 2)', async () => {
    const worker = stack.model.functions.find((f) => f.key === 'worker')!;
    expect(worker.reservedConcurrency).toBe(1);
    await Promise.all(Array.from({ length: 12 }, (_, i) => send('WorkQueue', { mode: 'ok', tag: `burst-${i}` })));
    for (let b = 0; b < 3; b++) {
      const Entries = Array.from({ length: 10 }, (_, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify({ tag: `strict-burst-${b * 10 + i}` }),
      }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.queues.StrictQueue!.url, Entries }));
    }
    await stack.waitForIdle({ timeoutMs: 8000 });
    expect(recorder().maxActive.worker, 'worker (reservedConcurrency 1)').toBe(1);
    expect(recorder().maxActive.strict, 'strict (default concurrency 2)').toBe(2);
    for (let i = 0; i < 30; i++) expect(deliveries('strict', `strict-burst-${i}`)).toHaveLength(1);
    for (let i = 0; i < 12; i++) expect(deliveries('worker', `burst-${i}`)).toHaveLength(1);
    const batches = (recorded('worker') as SQSEvent[]).filter((e) => e.Records.some((r) => r.body.includes('burst-')));
    expect(Math.max(...batches.map((b) => b.Records.length))).toBeLessThanOrEqual(5); // batchSize
  });

  it('keeps one long poll per function: a message to an idle queue costs one ReceiveMessage, not one per slot', async () => {
    await stack.waitForIdle({ timeoutMs: 8000 });
    // Every SDK client in this process sends through @smithy/core's Client.send: count the
    // runtime's receives on StrictQueue there (instrumentation of the real client, no stand-in).
    type Send = (this: unknown, command: { input?: { QueueUrl?: string }; constructor: { name: string } }, ...rest: unknown[]) => unknown;
    const { Client } = createRequire(import.meta.url)('@smithy/core/client') as { Client: { prototype: { send: Send } } };
    const original = Client.prototype.send;
    const url = stack.queues.StrictQueue!.url;
    let receives = 0;
    Client.prototype.send = function (command, ...rest) {
      if (command.constructor.name === 'ReceiveMessageCommand' && command.input?.QueueUrl === url) receives++;
      return original.call(this, command, ...rest);
    };
    try {
      for (let i = 0; i < 10; i++) {
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ tag: `idle-${i}` }) }));
        await waitFor(async () => deliveries('strict', `idle-${i}`).length === 1 || undefined, 5000);
        await stack.waitForIdle({ timeoutMs: 8000 }); // every slot free, so every poll is waiting
      }
    } finally {
      Client.prototype.send = original;
    }
    // One receive brings each message in and one more is waiting for the next; two long polls
    // (one per slot of the default concurrency 2) would cost about two per message.
    expect(receives).toBeLessThanOrEqual(10 + 2);
  });
});
