// `vodflow jobs redrive`: messages parked in a dead-letter queue go back to the queue whose
// RedrivePolicy put them there. Receive → send to the source (body, message attributes, FIFO
// group kept) → delete from the DLQ only for the entries whose send succeeded, so a crash in
// between duplicates a message (handlers are idempotent) but never loses one. The local SQS
// stand-in has no StartMessageMoveTask, and this loop works the same against both.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { renderTable } from './format';
import type { JobsTarget, RedrivePair } from './target';

export interface RedriveOptions {
  /** Only the pair whose source or DLQ matches (name, short name or logical id). */
  queue?: string;
  dryRun?: boolean;
}

export interface RedriveReport {
  queue: string;
  dlq: string;
  /** ApproximateNumberOfMessages of the DLQ before anything moved (plus in flight). */
  waiting: number;
  inFlight: number;
  moved: number;
  failed: number;
  errors: string[];
}

/** SQS caps a batch at 256 KiB in total, whatever the per-message limit. */
const BATCH_BYTES = 256 * 1024;
/** Long enough to send and delete a batch; a failed send makes the message visible at once. */
const RECEIVE_VISIBILITY_S = 60;

export class RedriveError extends Error {
  override readonly name = 'RedriveError';
}

/** A queue's name without the service-stage prefix and without the `.fifo` of a FIFO queue (`events`). */
const shortName = (target: JobsTarget, name: string) => name.replace(target.prefix, '').replace(/\.fifo$/, '');

/** The pairs to work on: all, or the one `--queue` names. */
export function selectPairs(target: JobsTarget, queue: string | undefined): RedrivePair[] {
  if (!queue) return target.pairs;
  const wanted = queue.toLowerCase();
  const names = (p: RedrivePair) =>
    [
      p.source.name,
      p.dlq.name,
      p.source.logicalId,
      p.dlq.logicalId,
      p.source.name.replace(target.prefix, ''),
      p.dlq.name.replace(target.prefix, ''),
      shortName(target, p.source.name),
      shortName(target, p.dlq.name),
    ].map((n) => n.toLowerCase());
  const pairs = target.pairs.filter((p) => names(p).includes(wanted));
  if (!pairs.length) {
    throw new RedriveError(
      `no queue with a DLQ is called ${queue}; choose one of: ${target.pairs.map((p) => shortName(target, p.source.name)).join(', ')}`,
    );
  }
  return pairs;
}

async function depth(target: JobsTarget, url: string): Promise<{ waiting: number; inFlight: number }> {
  const { Attributes = {} } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Only the fields SendMessage accepts (the list variants are reserved by SQS). */
function attributesOf(message: Message): Record<string, MessageAttributeValue> | undefined {
  const entries = Object.entries(message.MessageAttributes ?? {}).map(([name, v]): [string, MessageAttributeValue] => [
    name,
    {
      DataType: v.DataType,
      ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { BinaryValue: v.BinaryValue } : {}),
    },
  ]);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function entryOf(message: Message, index: number, fifo: boolean): SendMessageBatchRequestEntry {
  return {
    Id: `m${index}`,
    MessageBody: message.Body ?? '',
    MessageAttributes: attributesOf(message),
    ...(fifo
      ? {
          MessageGroupId: message.Attributes?.MessageGroupId ?? 'redrive',
          // The DLQ message id, not the event id: the copy must not be dropped as a repeat of the
          // original send; redriving the same DLQ message twice within 5 minutes is deduplicated.
          MessageDeduplicationId: message.MessageId,
        }
      : {}),
  };
}

const sizeOf = (e: SendMessageBatchRequestEntry) =>
  Buffer.byteLength(e.MessageBody ?? '') +
  Object.entries(e.MessageAttributes ?? {}).reduce(
    (n, [k, v]) =>
      n +
      Buffer.byteLength(k) +
      Buffer.byteLength(v.DataType ?? '') +
      Buffer.byteLength(v.StringValue ?? '') +
      (v.BinaryValue?.length ?? 0),
    0,
  );

/** Splits entries into batches under the 256 KiB request limit (one oversized entry goes alone). */
function batches(entries: SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
  const out: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = sizeOf(entry);
    if (current.length && bytes + size > BATCH_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

async function releaseMessages(target: JobsTarget, url: string, messages: Message[]): Promise<void> {
  if (!messages.length) return;
  await target.sqs
    .send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, i) => ({ Id: `r${i}`, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    )
    .catch(() => undefined); // they become visible anyway when the receive's visibility timeout ends
}

async function redrivePair(target: JobsTarget, pair: RedrivePair, dryRun: boolean): Promise<RedriveReport> {
  const dlqUrl = await target.queueUrl(pair.dlq);
  const before = await depth(target, dlqUrl);
  const report: RedriveReport = { queue: pair.source.name, dlq: pair.dlq.name, ...before, moved: 0, failed: 0, errors: [] };
  if (dryRun || before.waiting === 0) return report;
  const sourceUrl = await target.queueUrl(pair.source);
  const fifo = pair.source.name.endsWith('.fifo');
  // Ids of the copies we sent: if one fails again and lands back in the DLQ during this run, stop.
  const sent = new Set<string>();
  for (;;) {
    const { Messages = [] } = await target.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: RECEIVE_VISIBILITY_S,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const fresh = Messages.filter((m) => !sent.has(m.MessageId ?? ''));
    await releaseMessages(
      target,
      dlqUrl,
      Messages.filter((m) => sent.has(m.MessageId ?? '')),
    );
    if (!fresh.length) break;

    const byId = new Map(fresh.map((m, i) => [`m${i}`, m]));
    const succeeded: Message[] = [];
    const failed: Message[] = [];
    for (const batch of batches(fresh.map((m, i) => entryOf(m, i, fifo)))) {
      try {
        const out = await target.sqs.send(new SendMessageBatchCommand({ QueueUrl: sourceUrl, Entries: batch }));
        for (const ok of out.Successful ?? []) {
          succeeded.push(byId.get(ok.Id!)!);
          if (ok.MessageId) sent.add(ok.MessageId);
        }
        for (const bad of out.Failed ?? []) {
          failed.push(byId.get(bad.Id!)!);
          report.errors.push(`${bad.Code}: ${bad.Message ?? ''}`.trim());
        }
      } catch (error) {
        failed.push(...batch.map((e) => byId.get(e.Id!)!));
        report.errors.push((error as Error).message);
      }
    }
    if (succeeded.length) {
      const out = await target.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: succeeded.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      // A copy is already in the source queue; the DLQ original would be moved again next time.
      for (const bad of out.Failed ?? []) report.errors.push(`sent but not deleted from the DLQ (${bad.Code}): it may be redriven twice`);
      report.moved += succeeded.length;
    }
    report.failed += failed.length;
    await releaseMessages(target, dlqUrl, failed);
    if (failed.length) break; // the source refuses: retrying at once would only spin
  }
  return report;
}

export async function redrive(target: JobsTarget, options: RedriveOptions = {}): Promise<RedriveReport[]> {
  const pairs = selectPairs(target, options.queue);
  return Promise.all(pairs.map((pair) => redrivePair(target, pair, options.dryRun ?? false)));
}

export function renderRedrive(reports: RedriveReport[], dryRun: boolean): string {
  const table = renderTable(
    dryRun ? ['QUEUE', 'DLQ', 'IN DLQ', 'IN FLIGHT'] : ['QUEUE', 'DLQ', 'IN DLQ', 'MOVED', 'FAILED'],
    reports.map((r) =>
      dryRun
        ? [r.queue, r.dlq, String(r.waiting), String(r.inFlight)]
        : [r.queue, r.dlq, String(r.waiting), String(r.moved), String(r.failed)],
    ),
  );
  const total = reports.reduce((n, r) => n + (dryRun ? r.waiting : r.moved), 0);
  const errors = [...new Set(reports.flatMap((r) => r.errors.map((e) => `  ${r.dlq}: ${e}`)))];
  const summary = dryRun ? `dry run: ${total} message(s) would be moved back` : `${total} message(s) moved back to their queues`;
  return `${table}\n\n${summary}${errors.length ? `\nerrors:\n${errors.join('\n')}` : ''}\n`;
}
