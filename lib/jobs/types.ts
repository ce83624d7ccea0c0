// The job record as stored in the jobs table, and the state machine it follows.
import * as z from 'zod';

export const JOB_STATUSES = ['AWAITING_UPLOAD', 'QUEUED', 'UPLOADING', 'PROCESSING', 'SUCCEEDED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL: ReadonlySet<JobStatus> = new Set<JobStatus>(['SUCCEEDED', 'FAILED']);

/**
 * Allowed moves. Retries go back to UPLOADING/PROCESSING with attempt+1; nothing leaves a
 * terminal state. Every write in store.ts checks its `from` set in a DynamoDB condition.
 */
export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  AWAITING_UPLOAD: ['QUEUED', 'FAILED'], // FAILED: no upload arrived before its URL expired
  QUEUED: ['UPLOADING', 'FAILED'],
  UPLOADING: ['UPLOADING', 'PROCESSING', 'FAILED'],
  PROCESSING: ['UPLOADING', 'PROCESSING', 'SUCCEEDED', 'FAILED'],
  SUCCEEDED: [],
  FAILED: [],
};

/** The states a move to `to` may start from. */
export const fromStatesOf = (to: JobStatus): JobStatus[] =>
  JOB_STATUSES.filter((from) => TRANSITIONS[from].includes(to));

export const jobIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{7,80}$/, 'not a job id');

export const sourceSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  etag: z.string().optional(),
  versionId: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  contentType: z.string().optional(),
});
export type JobSource = z.infer<typeof sourceSchema>;

export const playItemSchema = z.object({
  definition: z.number().int(),
  url: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
  bitrate: z.number().optional(),
});

export const outputsSchema = z.object({
  fileId: z.string(),
  playSet: z.array(playItemSchema),
  coverUrl: z.string().optional(),
  snapshots: z.array(z.object({ timeOffset: z.number(), url: z.string() })),
  duration: z.number().optional(),
});
export type JobOutputs = z.infer<typeof outputsSchema>;

/** Why a job failed, in words a user can act on (codes explained by lib/vod/errors). */
export const jobErrorSchema = z.object({
  code: z.number().int(),
  stage: z.string().nullable(),
  step: z.string().nullable(),
  cause: z.string().nullable(),
  retryable: z.boolean(),
  message: z.string(),
  message_en: z.string(),
  action: z.string(),
  /** VOD's own words for this failure, if any (task message or API message). */
  detail: z.string().optional(),
  attempts: z.number().int().min(1),
});
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobSchema = z.looseObject({
  jobId: z.string(),
  status: z.enum(JOB_STATUSES),
  attempt: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
  ttl: z.number().int(),
  source: sourceSchema.optional(),
  mode: z.enum(['pull', 'push']).optional(),
  fileId: z.string().optional(),
  pullTaskId: z.string().optional(),
  vodTaskId: z.string().optional(),
  /** The attempt whose ProcessFile/RedoTask produced vodTaskId (a redo keeps the task id). */
  processAttempt: z.number().int().optional(),
  progress: z.number().min(0).max(100).optional(),
  outputs: outputsSchema.optional(),
  error: jobErrorSchema.optional(),
  /** Step markers (lease expiry ms / done) that make every handler safe under redelivery. */
  leases: z.record(z.string(), z.number()).default({}),
  done: z.record(z.string(), z.boolean()).default({}),
  /** Outbox: the terminal CloudEvent and the destinations that already have it. */
  event: z.record(z.string(), z.unknown()).optional(),
  eventDeliveredTo: z.preprocess((v) => (v instanceof Set ? [...v] : v), z.array(z.string())).optional(),
});
export type Job = z.infer<typeof jobSchema>;
