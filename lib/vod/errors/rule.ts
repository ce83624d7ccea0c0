// The one retry rule. No source says which VOD processing codes are retryable (reference §6, §8.12),
// so vodflow decides by meaning: retry only when another attempt can change the outcome.
import type { Category, Step } from './types';

/**
 * A code is worth a retry only when another attempt can change the outcome.
 *
 * Permanent (retrying cannot help):
 * - a failure reading or decoding the source file — steps probe-source, probe-concat-inputs,
 *   snapshot, transcode — or an unmet source requirement (-47xxx): the same bytes fail the same way;
 * - an authentication or authorisation failure;
 * - an invalid parameter, unsupported protocol or unsupported action;
 * - a missing file, task, class or resource;
 * - an account, billing or qualification problem;
 * - a partly successful batch (resend only the items that failed, never the whole batch).
 *
 * Worth a retry:
 * - a failure while VOD checks its own output — steps snapshot-info, probe-before-verify,
 *   probe-before-upload, verify-output;
 * - an internal or server error;
 * - throttling, quota or "too many pull tasks" (after a delay);
 * - an expired timestamp or replayed nonce (re-sign with a fresh Timestamp and Nonce, then resend);
 * - a file or task in a transitional state (still uploading or processing);
 * - an upload-host (vod2.qcloud.com) response with canRetry=1; canRetry=0 means do not.
 *
 * Unknown codes: an unlisted code inside a known range follows its step; any other unknown code is
 * retried within the caller's attempt limit (an unknown failure may be transient, one bounded retry
 * is cheap, and a wrong "permanent" would fail a video for good).
 */
export const RETRY_RULE = [
  'A code is worth a retry only when another attempt can change the outcome.',
  'Permanent: a failure reading or decoding the source file (steps probe-source, probe-concat-inputs, snapshot, transcode) or an unmet source requirement (-47xxx), since the same bytes fail the same way; authentication or authorisation failures; invalid parameters, unsupported protocols or actions; missing files, tasks, classes or resources; account, billing or qualification problems; a partly successful batch (resend only its failed items).',
  'Worth a retry: a failure while VOD checks its own output (steps snapshot-info, probe-before-verify, probe-before-upload, verify-output); internal or server errors; throttling, quota or too many pull tasks (after a delay); an expired timestamp or replayed nonce (re-sign with a fresh Timestamp and Nonce, then resend); a file or task in a transitional state; an upload-host response with canRetry=1 (canRetry=0 means do not).',
  "Unknown codes: an unlisted code inside a known range follows its step; any other unknown code is retried within the caller's attempt limit.",
].join('\n');

/** The retry classes the rule calls worth a retry. */
export const RETRYABLE_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  'output',
  'internal',
  'throttled',
  'stale-request',
  'transient-state',
  'unknown',
]);

export const isRetryableCategory = (category: Category): boolean => RETRYABLE_CATEGORIES.has(category);

/** Steps that read the user's source file: their failures are the source's fault. */
export const SOURCE_READING_STEPS: ReadonlySet<Step> = new Set<Step>([
  'probe-source',
  'probe-concat-inputs',
  'snapshot',
  'transcode',
  'check-source',
  'check-concat-inputs',
]);

/** Steps where VOD inspects a file it produced itself: a failure there is VOD's, not the source's. */
export const OUTPUT_CHECKING_STEPS: ReadonlySet<Step> = new Set<Step>([
  'snapshot-info',
  'probe-before-verify',
  'probe-before-upload',
  'verify-output',
]);

export const categoryOfStep = (step: Step): Category => (OUTPUT_CHECKING_STEPS.has(step) ? 'output' : 'source');

/**
 * The upload host's `canRetry` flag decides for any code it comes with ("所有小于0的错误码，当canRetry=1时，
 * 均可重试解决", reference §3.4). Accepts 1/0, '1'/'0', true/false; anything else means "not given".
 */
export function canRetryFlag(value: unknown): boolean | undefined {
  if (value === 1 || value === '1' || value === true) return true;
  if (value === 0 || value === '0' || value === false) return false;
  return undefined;
}
