// The outbox against the real SQS stand-in (fauxqs, queues from serverless.yml, the real SDK
// client) and job store (dynalite): the events queue is FIFO, so a send repeated after a crash
// between SendMessage and its record reaches no consumer; and a handler that dies mid-delivery
// gets its record back right after the delivery lease, long before the queue's visibility timeout
// (5,400 s on the upload queue) and well inside the 5-minute deduplication window.
import '../../support/quiet';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyEvent } from '../../../lib/events/build';
import { sendToQueue } from '../../../lib/events/emit';
import { jobs } from '../../../lib/jobs';
import { fifoToken } from '../../../lib/messages/fifo';
import { jobStep, OUTBOX_LEASE_MS, outboxLeaseMs, STEPS } from '../../../lib/pipeline';
import { drainQueue, lambdaContext, sqsRecord, startStack, type Stack } from '../../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  stack.applyEnv({ VOD_SECRET_ID: 'id', VOD_SECRET_KEY: 'key', EVENT_SUBSCRIBERS: undefined });
});
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
    stack.applyEnv({
      VOD_SECRET_ID: 'id',
      VOD_SECRET_KEY: 'key',
      EVENT_SUBSCRIBERS: undefined,
      EVENTS_QUEUE_URL: `${url.replace(/[^/]+$/, '')}vodflow-test-missing.fifo`,
    });
    const started = Date.now();
    try {
      const res = await handler({ Records: [record] }, lambdaContext('upload', 100));
      expect(res?.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    } finally {
      stack.applyEnv({ VOD_SECRET_ID: 'id', VOD_SECRET_KEY: 'key', EVENT_SUBSCRIBERS: undefined });
    }
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
});
