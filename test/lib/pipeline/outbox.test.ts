// The outbox against the real SQS stand-in (fauxqs, queues from serverless.yml, the real SDK
// client) and job store (dynalite): the events queue is FIFO, so a send repeated after a crash
// between SendMessage and its record reaches no consumer; and a handler that dies mid-delivery
// gets its record back right after the delivery lease, long before the queue's visibility timeout
// (5,400 s on the upload queue) and well inside the 5-minute deduplication window; on a queue whose
// own timeout (180 s) already brings it back inside that window, no visibility change is made.
import '../../support/quiet';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyEvent } from '../../../lib/events/build';
import { sendToQueue } from '../../../lib/events/emit';
import { jobs } from '../../../lib/jobs';
import { fifoToken } from '../../../lib/messages/fifo';
import { sqs } from '../../../lib/aws/sqs';
import { jobStep, OUTBOX_LEASE_MS, outboxLeaseMs, STEPS } from '../../../lib/pipeline';
import { returnsInTime } from '../../../lib/pipeline/outbox';
import { drainQueue, lambdaContext, sqsRecord, startStack, type Stack } from '../../support/stack';

let stack: Stack;
const ENV = { VOD_SECRET_ID: 'id', VOD_SECRET_KEY: 'key', EVENT_SUBSCRIBERS: undefined };
beforeAll(async () => {
  stack = await startStack();
  stack.applyEnv(ENV);
});

/** Runs `invoke` with the events queue pointed at one that does not exist: every delivery's send fails. */
async function withEventsQueueMissing<T>(invoke: () => Promise<T>): Promise<T> {
  stack.applyEnv({ ...ENV, EVENTS_QUEUE_URL: stack.queueUrl('events.fifo').replace(/[^/]+$/, 'vodflow-test-missing.fifo') });
  try {
    return await invoke();
  } finally {
    stack.applyEnv(ENV);
  }
}
afterAll(async () => stack?.close());

const source = (key: string) => ({ bucket: 'b', key, etag: 'e1', size: 10 });

/** A job made terminal with its event written and never delivered (the outbox's pending state). */
async function terminalJob(jobId: string) {
  await jobs().createJob(jobId, source(`${jobId}.mp4`), 'pull');
  await jobs().transition(jobId, { to: 'UPLOADING', attempt: 1 });
  await jobs().transition(jobId, { to: 'PROCESSING', attempt: 1, set: { vodTaskId: 't' } });
  const event = readyEvent((await jobs().getJob(jobId))!, { fileId: 'f', playSet: [], snapshots: [] }, '/test');
  await jobs().transition(jobId, { to: 'SUCCEEDED', attempt: 1, set: { event } });
  return event;
}

describe('events queue (FIFO)', () => {
  it('carries the job id as group and the event id as deduplication id; a repeated send reaches no consumer', async () => {
    const event = await terminalJob('j-outbox-fifo-01');
    const other = await terminalJob('j-outbox-fifo-02');
    const url = stack.queueUrl('events.fifo');
    expect(url).toMatch(/vodflow-test-events\.fifo$/);
    await sendToQueue(url, event);
    await sendToQueue(url, event); // the retry after a crash between the send and its record
    await sendToQueue(url, other);
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
    );
    expect(Messages.map((m) => JSON.parse(m.Body!).id).sort()).toEqual([event.id, other.id]);
    const mine = Messages.find((m) => JSON.parse(m.Body!).id === event.id)!;
    expect(mine.Attributes).toMatchObject({ MessageGroupId: event.subject, MessageDeduplicationId: event.id });
    expect(Number(mine.Attributes?.SequenceNumber)).toBeGreaterThan(0);
    await drainQueue(stack, 'events.fifo');
  });

  it('keeps group and deduplication ids inside what SQS takes (1–128 of U+0021–U+007E)', () => {
    const ok = 's3-abcdefghijklmnopqrstuvwxyz.ready';
    expect(fifoToken(ok)).toBe(ok);
    for (const odd of ['clip 😀', 'a'.repeat(129), '', 'tab\there']) {
      const token = fifoToken(odd);
      expect(token).toMatch(/^[\x21-\x7e]{1,128}$/);
      expect(fifoToken(odd)).toBe(token); // the repeat of a send carries the same id
    }
    expect(fifoToken('x'.repeat(129))).not.toBe(fifoToken('x'.repeat(130)));
  });

  it('sends to a standard queue without the FIFO fields (SQS refuses a deduplication id there)', async () => {
    const event = await terminalJob('j-outbox-std-001');
    await sendToQueue(stack.queueUrl('deliver'), event);
    expect((await drainQueue(stack, 'deliver')).map((e) => (e as { id: string }).id)).toEqual([event.id]);
  });
});

describe('a handler that dies mid-delivery', () => {
  const handler = jobStep({ type: 'initiate-upload', step: (msg) => STEPS.upload(msg.attempt), run: async () => undefined });

  it('gets its record back right after the delivery lease, not after the queue visibility timeout', async () => {
    expect(outboxLeaseMs(895_000)).toBe(OUTBOX_LEASE_MS); // initiate-upload's 900 s: the lease stays short
    const jobId = 'j-outbox-dies-01';
    await terminalJob(jobId);
    const url = stack.queueUrl('upload');
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify({ v: 1, type: 'initiate-upload', jobId, attempt: 1 }),
      }),
    );
    // Received as the upload queue's event source would: hidden for 5,400 s.
    const { Messages = [] } = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 5400 }));
    expect(Messages).toHaveLength(1);
    const record: SQSRecord = sqsRecord(Messages[0]!, 'upload');
    // The delivery fails (the events queue is unreachable): the invocation ends as a dead one would.
    const started = Date.now();
    const res = await withEventsQueueMissing(() => handler({ Records: [record] }, lambdaContext('upload', 100)));
    expect(res?.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    // Lease 5.1 s (100 ms left + 5 s), visible again 5 s after it: within 11 s, not 5,400 s.
    const back = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 14 }));
    const afterS = (Date.now() - started) / 1000;
    expect(back.Messages?.map((m) => m.MessageId)).toEqual([record.messageId]);
    expect(afterS).toBeGreaterThan(5); // not before the lease ended: a retry then would find it busy
    expect(afterS).toBeLessThan(14);
    // The retry finishes the delivery, once.
    const retried = await handler({ Records: [sqsRecord(back.Messages![0]!, 'upload')] }, lambdaContext('upload'));
    expect(retried?.batchItemFailures).toEqual([]);
    expect((await drainQueue(stack, 'events.fifo')).map((e) => (e as { id: string }).id)).toEqual([`${jobId}.ready`]);
    expect((await jobs().getJob(jobId))!.eventDeliveredTo).toEqual(['sqs']);
  }, 30_000);

  it('leaves the record alone on a queue whose own visibility timeout returns it in time (180 s), and shortens it once a send fails', async () => {
    expect(returnsInTime(180, 30_000)).toBe(true); // a 30 s function on a 180 s queue, as deployed
    expect(returnsInTime(5400, 895_000)).toBe(false); // the upload queue
    expect(returnsInTime(250, 30_000)).toBe(false); // 250 s + a minute to the repeat: too close to 300 s
    // Back before a lease taken at the deadline could end: the retry would find that step busy.
    expect(returnsInTime(50, 10_000)).toBe(false);
    expect(returnsInTime(60, 10_000)).toBe(true);
    expect(returnsInTime(undefined, 30_000)).toBe(false);
    // The SQS calls the handler makes (applyEnv builds a fresh client: count on the current one).
    const calls: string[] = [];
    const count = () =>
      (sqs().middlewareStack as { add(m: unknown, o: unknown): void }).add(
        (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => (args: unknown) => {
          calls.push(context.commandName);
          return next(args);
        },
        { step: 'initialize', name: 'countCalls', override: true },
      );
    try {
      const url = stack.queueUrl('classify');
      const receive = async (jobId: string) => {
        await stack.sqs.send(
          new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ v: 1, type: 'initiate-upload', jobId, attempt: 1 }) }),
        );
        const { Messages = [] } = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 180 }));
        return sqsRecord(Messages[0]!, 'classify');
      };
      // Delivered: one SendMessage, no ChangeMessageVisibility before it.
      await terminalJob('j-outbox-short-01');
      count();
      const delivered = await handler({ Records: [await receive('j-outbox-short-01')] }, lambdaContext('classify'));
      expect(delivered?.batchItemFailures).toEqual([]);
      expect(calls).toEqual(['SendMessageCommand']);
      expect((await drainQueue(stack, 'events.fifo')).map((e) => (e as { id: string }).id)).toEqual(['j-outbox-short-01.ready']);
      // Not delivered: the record is made visible again after the lease, not after 180 s.
      calls.length = 0;
      await terminalJob('j-outbox-short-02');
      const record = await receive('j-outbox-short-02');
      const started = Date.now();
      // 2 s left: a lease of ~7 s, back ~12 s from now (with less, middy would end the invocation
      // before its failed send's cleanup on a busy machine).
      const res = await withEventsQueueMissing(() => {
        count();
        return handler({ Records: [record] }, lambdaContext('classify', 2000));
      });
      expect(res?.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
      // (GetQueueUrl: the record's queue URL by its name, resolved once after applyEnv.)
      expect(calls.filter((c) => c !== 'GetQueueUrlCommand')).toEqual(['SendMessageCommand', 'ChangeMessageVisibilityCommand']);
      const back = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
      expect(back.Messages?.map((m) => m.MessageId)).toEqual([record.messageId]);
      expect((Date.now() - started) / 1000).toBeLessThan(20);
      await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: back.Messages![0]!.ReceiptHandle! }));
    } finally {
      (sqs().middlewareStack as { remove(name: string): boolean }).remove('countCalls');
    }
  }, 45_000);
});
