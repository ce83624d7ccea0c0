// The one middy stack of every SQS-triggered function: records are handled concurrently, each
// with its own job logger, and failures are reported per record (ReportBatchItemFailures), so one
// bad message is retried — and ends in the DLQ — without redelivering its batch mates.
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { jobLogger, logger, type Logger } from '../aws/log';

export interface RecordContext {
  record: SQSRecord;
  context: Context;
  logger: Logger;
  /** How many times SQS has delivered this record (1 on the first delivery). */
  receiveCount: number;
  /** ms of the invocation left; steps lease at most this long. */
  remainingMs: () => number;
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
    try {
      await handle(message, {
        record,
        context,
        logger: log,
        receiveCount,
        remainingMs: () => (typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000),
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
