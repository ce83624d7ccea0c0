// Handing a failure to classify-error, which alone decides between retry and FAILED — and the
// two facts it decides by that depend on where the failure happened (its origin): which code
// explains it when vodflow itself gave up, and whether the pipeline has a way to retry it.
import { config } from '../config';
import { enqueue, type ClassifyFailure, type FailureOrigin } from '../messages';
import { VodApiError, VodParamsError } from '../vod/client';
import { DEADLINE_CODE, REQUEST_INVALID_CODE, STALLED_CODE } from '../vod/errors';

/** How a retry of a failure from this origin starts over, or undefined for no retry path. */
export const RETRY_PATH: Readonly<Record<FailureOrigin, 'upload' | 'process' | 'redo' | undefined>> = {
  pull: 'upload', //      MultiPullVodFile refused, or the pull task failed → initiate the upload again
  push: 'upload', //      the chunked upload failed                          → initiate the upload again
  process: 'process', //  ProcessFile / RedoTask refused                     → start processing again
  procedure: 'redo', //   the procedure task failed                          → RedoTask
  poll: undefined, //     GetTaskInfo refused (e.g. the task is gone)
  deadline: undefined, // VOD did not finish within JOB_DEADLINE_S
  stalled: undefined, //  the job did not move for STALE_JOB_S (sweep-jobs)
};

/** vodflow's own codes for the origins where it gave up (explained by the same error table). */
const OWN_CODES: ReadonlyMap<FailureOrigin, number> = new Map([
  ['deadline', DEADLINE_CODE],
  ['stalled', STALLED_CODE],
]);

/** The code that explains a failure: vodflow's own by origin, else the one VOD answered. */
export function codeOf(failure: Pick<ClassifyFailure, 'origin' | 'code'>): number | string {
  const code = OWN_CODES.get(failure.origin) ?? failure.code;
  if (code === undefined) throw new Error(`a ${failure.origin} failure without a code`);
  return code;
}

export type Failure = Omit<ClassifyFailure, 'v' | 'type'>;

export async function sendToClassify(failure: Failure): Promise<void> {
  await enqueue(config().queues.classify, { v: 1, type: 'classify-failure', ...failure });
}

/**
 * For a VOD API error (the service answered with a failure code), or a request that failed its own
 * check before it was sent (REQUEST_INVALID_CODE), the classifier decides; anything
 * else (network, 5xx, S3, DynamoDB) is rethrown so SQS redelivers the message after its visibility
 * timeout and, past maxReceiveCount, parks it in the DLQ.
 */
export async function classifyOrRethrow(err: unknown, failure: Omit<Failure, 'code' | 'message' | 'canRetry'>): Promise<void> {
  // A request refused by its own check fails the same way on every redelivery: one video.failed says which field.
  if (err instanceof VodParamsError) return sendToClassify({ ...failure, code: REQUEST_INVALID_CODE, message: err.message });
  if (!(err instanceof VodApiError)) throw err;
  await sendToClassify({ ...failure, code: err.code, message: err.apiMessage || err.message, canRetry: err.canRetry });
}
