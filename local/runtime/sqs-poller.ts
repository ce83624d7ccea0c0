// The SQS event source mapping: long-polls a queue, hands batches to the function as Lambda's
// SQS event, deletes what succeeded. Failures are simply not deleted, so they reappear after
// the queue's visibility timeout and, past maxReceiveCount, the queue's RedrivePolicy (enforced by
// fauxqs on receive) moves them to the dead-letter queue — exactly as in AWS.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { FunctionInvoker } from './invoker';
import type { SqsEventSpec } from '../serverless/model';

export interface SqsPollerOptions {
  sqs: SQSClient;
  invoker: FunctionInvoker;
  event: SqsEventSpec;
  queueUrl: string;
  queueArn: string;
  region: string;
  log: (message: string) => void;
}

export interface BatchOutcome {
  received: number;
  deleted: number;
  failed: number;
  error?: string;
}

const LONG_POLL_SECONDS = 20;

// Lambda's partial batch response; anything malformed fails the whole batch (AWS docs table).
const batchResponse = z.object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).nullish() }).nullish();

export class SqsPoller {
  private stopped = false;
  private readonly aborts = new Set<AbortController>();
  private loop: Promise<void> | undefined;
  /** Batches received and not yet deleted or released. */
  private readonly running = new Set<Promise<void>>();
  private readonly listeners = new Set<(outcome: BatchOutcome) => void>();

  constructor(private readonly options: SqsPollerOptions) {}

  /**
   * Receives for up to `parallel` concurrent invocations (Lambda scales batches with concurrency).
   * One long poll at a time per function, issued whenever an invocation slot is free: parallel
   * long polls on one queue would all be woken by each message (fauxqs wakes every waiter) and
   * all but one would come back empty, a wasted round trip per message.
   */
  start(parallel: number): void {
    this.loop ??= this.receiveLoop(Math.max(1, parallel));
  }

  /** True while a batch is being handled (received but not yet deleted/released). */
  get busy(): boolean {
    return this.running.size > 0;
  }

  onBatch(listener: (outcome: BatchOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const abort of this.aborts) abort.abort();
    await this.loop;
  }

  private async receiveLoop(slots: number): Promise<void> {
    while (!this.stopped) {
      if (this.running.size >= slots) {
        await Promise.race(this.running);
        continue;
      }
      let messages: Message[];
      try {
        messages = await this.receiveBatch();
      } catch (error) {
        if (this.stopped) break;
        this.options.log(`[${this.options.invoker.fn.key}] ReceiveMessage failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!messages.length) continue;
      const batch: Promise<void> = this.handle(messages)
        .then((outcome) => {
          for (const listener of this.listeners) listener(outcome);
        })
        .catch((error: unknown) => {
          if (!this.stopped) this.options.log(`[${this.options.invoker.fn.key}] batch not settled: ${(error as Error).message}`);
        })
        .finally(() => {
          this.running.delete(batch);
        });
      this.running.add(batch);
    }
    await Promise.allSettled(this.running);
  }

  /** Up to batchSize messages; with a batching window, keeps gathering until full or the window closes. */
  private async receiveBatch(): Promise<Message[]> {
    const { batchSize, maximumBatchingWindow } = this.options.event;
    const batch = await this.receive(Math.min(10, batchSize), LONG_POLL_SECONDS);
    if (!batch.length || maximumBatchingWindow === 0) return batch;
    const windowEnds = Date.now() + maximumBatchingWindow * 1000;
    while (!this.stopped && batch.length < batchSize && Date.now() < windowEnds) {
      const wait = Math.min(LONG_POLL_SECONDS, Math.ceil((windowEnds - Date.now()) / 1000));
      batch.push(...(await this.receive(Math.min(10, batchSize - batch.length), wait)));
    }
    return batch;
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const abort = new AbortController();
    this.aborts.add(abort);
    try {
      const { Messages = [] } = await this.options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: abort.signal },
      );
      return Messages;
    } finally {
      this.aborts.delete(abort);
    }
  }

  private async handle(messages: Message[]): Promise<BatchOutcome> {
    const { invoker, event } = this.options;
    const records = messages.map((m) => toRecord(m, this.options.queueArn, this.options.region));
    const result = await invoker.invoke({ Records: records } satisfies SQSEvent);
    if (!result.ok) return { received: messages.length, deleted: 0, failed: messages.length, error: result.error.message };
    let failedIds = new Set<string>();
    if (event.reportBatchItemFailures) {
      const parsed = batchResponse.safeParse(result.result);
      const ids = new Set(records.map((r) => r.messageId));
      const failures = parsed.success ? (parsed.data?.batchItemFailures ?? []) : null;
      if (!failures || failures.some((f) => !ids.has(f.itemIdentifier))) {
        this.options.log(`[${invoker.fn.key}] invalid batchItemFailures response ${JSON.stringify(result.result)}: whole batch fails`);
        return { received: messages.length, deleted: 0, failed: messages.length, error: 'invalid partial batch response' };
      }
      failedIds = new Set(failures.map((f) => f.itemIdentifier));
    }
    const done = messages.filter((m) => !failedIds.has(m.MessageId!));
    await this.delete(done);
    return { received: messages.length, deleted: done.length, failed: messages.length - done.length };
  }

  private async delete(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const response = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      for (const failure of response.Failed ?? [])
        this.options.log(`[${this.options.invoker.fn.key}] DeleteMessage failed: ${failure.Code} ${failure.Message ?? ''}`);
    }
  }
}

/** One record of Lambda's SQS event, from a ReceiveMessage result. */
export function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attrs = (message.Attributes ?? {}) as Record<string, string>;
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType as SQSRecord['messageAttributes'][string]['dataType'],
    };
    if (value.StringValue === undefined) delete messageAttributes[name]!.stringValue;
    if (!value.BinaryValue) delete messageAttributes[name]!.binaryValue;
  }
  const record: SQSRecord = {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...pick(attrs, ['SequenceNumber', 'MessageGroupId', 'MessageDeduplicationId', 'AWSTraceHeader']),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

function pick(source: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]!]));
}
