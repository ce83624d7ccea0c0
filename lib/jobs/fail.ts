// Hands a failure to classify-error, which alone decides between retry and FAILED.
import { config } from '../config';
import { enqueue, type ClassifyFailure } from '../messages';
import { VodApiError } from '../vod/client';

export async function sendToClassify(failure: Omit<ClassifyFailure, 'v' | 'type'>): Promise<void> {
  await enqueue(config().queues.classify, { v: 1, type: 'classify-failure', ...failure });
}

/**
 * For a VOD API error (the service answered with a failure code) the classifier decides; anything
 * else (network, 5xx, S3, DynamoDB) is rethrown so SQS redelivers the message after its visibility
 * timeout and, past maxReceiveCount, parks it in the DLQ.
 */
export async function classifyOrRethrow(
  err: unknown,
  failure: Omit<ClassifyFailure, 'v' | 'type' | 'code' | 'message' | 'canRetry'>,
): Promise<void> {
  if (!(err instanceof VodApiError)) throw err;
  await sendToClassify({ ...failure, code: err.code, message: err.apiMessage || err.message, canRetry: err.canRetry });
}
