// The one middy stack of every SQS-triggered function: records are handled concurrently, each
// with its own job logger, and failures are reported per record (ReportBatchItemFailures), so one
// bad message is retried — and ends in the DLQ — without redelivering its batch mates.
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqs } from '../aws/sqs';
import { jobLogger, logger, type Logger } from '../aws/log';
import { queueUrl } from '../aws/queues';

export interface RecordContext {
  record: SQSRecord;
  context: Context;
  logger: Logger;
  /** How many times SQS has delivered this record (1 on the first delivery). */
  receiveCount: number;
  /** ms of the invocation left; steps lease at most this long. */
  remainingMs: () => number;
  /** Makes this record visible again `seconds` from now, instead of after the queue's visibility timeout. */
  setVisibility: (seconds: number) => Promise<void>;
  /** The name of the queue the record came from. */
  queue: string;
  /** ms the invocation had left when this record's handling began. */
  budgetMs: number;
}

/** The name of the queue a record came from: the end of its ARN. */
const queueNameOf = (record: SQSRecord): string => record.eventSourceARN?.split(':').pop() ?? '';

/** The queue a record came from, by the name at the end of its ARN. */
const queueOf = (record: SQSRecord): Promise<string> => queueUrl(`name:${queueNameOf(record)}`);

/** ChangeMessageVisibility for one received record (SQS caps the value at 12 hours). */
export async function setVisibility(record: SQSRecord, seconds: number): Promise<void> {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: await queueOf(record),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
    }),
  );
}

export function sqsHandler<T>(
  parse: (body: string) => T,
  jobIdOf: (message: T) => string | undefined,
  handle: (message: T, ctx: RecordContext) => Promise<void>,
) {
  const perRecord = async (record: SQSRecord, context: Context): Promise<void> => {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    let message: T;
    try {
      message = parse(record.body);
    } catch (err) {
      logger.error('unreadable message', { messageId: record.messageId, error: (err as Error).message });
      throw err;
    }
    const jobId = jobIdOf(message);
    const log = jobId ? jobLogger(jobId, { messageId: record.messageId }) : logger;
    const remainingMs = () => (typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000);
    try {
      await handle(message, {
        record,
        context,
        logger: log,
        receiveCount,
        remainingMs,
        setVisibility: (seconds) => setVisibility(record, seconds),
        queue: queueNameOf(record),
        budgetMs: remainingMs(),
      });
    } catch (err) {
      log.error('message failed; SQS will redeliver it', { error: (err as Error).message, errorName: (err as Error).name, receiveCount });
      throw err;
    }
  };

  const batch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    // The partial-batch middleware turns these settled results into batchItemFailures.
    (await Promise.allSettled(event.Records.map((r) => perRecord(r, context)))) as unknown as SQSBatchResponse;
  return middy<SQSEvent, SQSBatchResponse>(batch)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(sqsPartialBatchFailure({ logger: () => undefined }));
}
