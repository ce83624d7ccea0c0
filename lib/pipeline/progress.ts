// Job progress in percent, as GET /jobs/{id} shows it. Upload takes the first 40 (a push reports
// its bytes between 5 and 40), processing the next 50 (sub-tasks done between 50 and 95).
export const PROGRESS = {
  queued: 0,
  pushStarted: 5,
  pullStarted: 10,
  uploaded: 40,
  processingStarted: 50,
  succeeded: 100,
} as const;

const PUSH_SPAN = PROGRESS.uploaded - PROGRESS.pushStarted;
const PROCESSING_SPAN = 45;

/** Bytes sent by a push → progress in [pushStarted, uploaded]. */
export const pushProgress = (sentBytes: number, totalBytes: number): number =>
  Math.floor((sentBytes / Math.max(1, totalBytes)) * PUSH_SPAN) + PROGRESS.pushStarted;

/** Share of finished procedure sub-tasks → progress in [processingStarted, 95]. */
export const processingProgress = (share: number): number => PROGRESS.processingStarted + Math.floor(share * PROCESSING_SPAN);
