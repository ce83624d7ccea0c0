// Queue message contracts between the handlers, version 1. Every message names its job and the
// attempt it belongs to, so a message from a superseded attempt is recognised and dropped.
// A breaking change adds a v2 schema beside these and keeps reading v1 until queues drain.
import * as z from 'zod';
import { downstreamEvent } from '../events/contracts';
import { snapshotSchema, taskKindSchema } from '../jobs/schema';

const base = {
  v: z.literal(1),
  jobId: z.string().min(1),
  attempt: z.number().int().min(1),
};
const taskKind = taskKindSchema;
/**
 * A VOD failure code: API 2.0 numbers (-43001, 4000) or API 3.0 names (SourceFileError.ContentMalformed).
 * Any other short text VOD answers is carried as it is, to be classified as an unknown code: a
 * stricter form here would make the reporting handler fail on VOD's answer and strand the job.
 */
export const vodCode = z.union([z.number().int(), z.string().regex(/^[^\p{Cc}]{1,128}$/u)]);

/** upload-queue → initiate-upload */
export const initiateUploadV1 = z.object({ ...base, type: z.literal('initiate-upload') });

/** process-queue → start-processing; `redoVodTaskId` asks for RedoTask instead of a new ProcessFile. */
export const startProcessingV1 = z.object({
  ...base,
  type: z.literal('start-processing'),
  fileId: z.string().min(1),
  redoVodTaskId: z.string().min(1).optional(),
});

/** poll-queue → poll-status; one link of a polling chain. */
export const pollStatusV1 = z.object({
  ...base,
  type: z.literal('poll-status'),
  vodTaskId: z.string().min(1),
  task: taskKind,
  /** Position in the chain (0 = first poll); the step marker of each link. */
  seq: z.number().int().min(0),
  /** When polling this task began (ms); the overall deadline counts from here. */
  startedAt: z.number().int(),
  /** Not before this time (ms): SQS delays cap at 900 s, so longer waits hop through the queue. */
  dueAt: z.number().int().optional(),
  /**
   * A confirmation outside the chain: a callback said the task finished but GetTaskInfo could not
   * be asked then (throttled, unreachable). It reports the outcome or stops; the chain goes on.
   */
  confirm: z.literal(true).optional(),
});

/** What a finished VOD task produced, normalised from GetTaskInfo or an event body. */
export const taskOutcomeV1 = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    fileId: z.string().optional(),
    coverUrl: z.string().optional(),
    snapshots: z.array(snapshotSchema).default([]),
    duration: z.number().optional(),
  }),
  z.object({
    ok: z.literal(false),
    code: vodCode,
    message: z.string(),
    /** The failed sub-task (Transcode, CoverBySnapshot, PullFile…), when VOD names one. */
    subTask: z.string().optional(),
  }),
]);
export type TaskOutcome = z.infer<typeof taskOutcomeV1>;

/**
 * result-queue → publish-result; produced by poll-status, vod-webhook and pull-events alike for a
 * successful task (a failed one goes to classify-error as a classify-failure; publish-result still
 * hands on one queued by an earlier version).
 */
export const taskFinishedV1 = z.object({
  ...base,
  type: z.literal('task-finished'),
  vodTaskId: z.string().min(1),
  task: taskKind,
  via: z.enum(['poll', 'callback', 'pull-event']),
  outcome: taskOutcomeV1,
});

/** Where a failure happened in the pipeline (not VOD's stage: that comes from classify). */
export const failureOrigin = z.enum([
  'pull', //      MultiPullVodFile refused, or the pull task failed      → initiate the upload again
  'push', //      the chunked upload failed                               → initiate the upload again
  'process', //   ProcessFile / RedoTask refused                          → start processing again
  'procedure', // the procedure task failed                               → RedoTask
  'poll', //      GetTaskInfo refused (e.g. the task is gone)             → no retry path
  'deadline', //  VOD did not finish within JOB_DEADLINE_S                → no retry path
  'stalled', //   the job did not move for STALE_JOB_S (sweep-jobs)       → no retry path
]);

export type FailureOrigin = z.infer<typeof failureOrigin>;

/** Origins where vodflow itself gave up: their code is vodflow's own (lib/pipeline/failures), never sent. */
export const PIPELINE_ORIGINS: ReadonlySet<FailureOrigin> = new Set(['deadline', 'stalled']);

/** classify-queue → classify-error */
export const classifyFailureV1 = z
  .object({
    ...base,
    type: z.literal('classify-failure'),
    origin: failureOrigin,
    /** VOD's code; absent when vodflow gave up (the origin names the reason). */
    code: vodCode.optional(),
    message: z.string(),
    vodTaskId: z.string().optional(),
    subTask: z.string().optional(),
    /** The data-upload host's canRetry flag, when the code came from there. */
    canRetry: z.number().int().optional(),
    /**
     * The failure is a finished VOD task's (`vodTaskId`, of the origin's kind), reported by a poll,
     * a callback or PullEvent with no job write: classify-error takes it only while the job waits
     * on that task.
     */
    finishedTask: z.literal(true).optional(),
  })
  .refine((m) => m.code !== undefined || PIPELINE_ORIGINS.has(m.origin), { path: ['code'], message: 'a VOD failure carries its code' })
  .refine((m) => !m.finishedTask || (m.vodTaskId !== undefined && (m.origin === 'pull' || m.origin === 'procedure')), {
    path: ['finishedTask'],
    message: "a finished task's failure names the task (vodTaskId) and comes from a pull or a procedure",
  });

/**
 * deliver-queue → deliver-event: one signed HTTP delivery of a terminal event to one subscriber.
 * A failed try sends the next link (seq + 1) with a growing delay until the retry window, counted
 * from `firstAttemptAt`, has passed. The event travels in the message: delivery reads no job.
 */
export const deliverEventV1 = z.object({
  ...base,
  type: z.literal('deliver-event'),
  /** The subscriber's URL: its entry (secret, filter) is looked up in EVENT_SUBSCRIBERS. */
  url: z.url({ protocol: /^https?$/ }),
  event: downstreamEvent,
  /** Position in the retry chain (0 = first try); the step marker of each link. */
  seq: z.number().int().min(0),
  /** When the first try was due (ms); the retry window counts from here. */
  firstAttemptAt: z.number().int(),
  /** Not before this time (ms): SQS delays cap at 900 s, so longer waits hop through the queue. */
  dueAt: z.number().int().optional(),
  /**
   * A confirmation outside the chain: a callback said the task finished but GetTaskInfo could not
   * be asked then (throttled, unreachable). It reports the outcome or stops; the chain goes on.
   */
  confirm: z.literal(true).optional(),
});

export type InitiateUpload = z.infer<typeof initiateUploadV1>;
export type StartProcessing = z.infer<typeof startProcessingV1>;
export type PollStatus = z.infer<typeof pollStatusV1>;
export type TaskFinished = z.infer<typeof taskFinishedV1>;
export type ClassifyFailure = z.infer<typeof classifyFailureV1>;
export type DeliverEvent = z.infer<typeof deliverEventV1>;

export const internalMessage = z.discriminatedUnion('type', [
  initiateUploadV1,
  startProcessingV1,
  pollStatusV1,
  taskFinishedV1,
  classifyFailureV1,
  deliverEventV1,
]);
export type InternalMessage = z.infer<typeof internalMessage>;
