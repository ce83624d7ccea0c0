// The job record as stored in the jobs table, and the state machine it follows.
import * as z from 'zod';
import { eventFromParts } from '../events/build';
import { downstreamEvent } from '../events/contracts';
import { jobErrorSchema, outputsSchema, sourceSchema, UPLOAD_MODES } from './schema';

export * from './schema';

export const JOB_STATUSES = ['AWAITING_UPLOAD', 'QUEUED', 'UPLOADING', 'PROCESSING', 'SUCCEEDED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES = ['SUCCEEDED', 'FAILED'] as const satisfies readonly JobStatus[];
export const TERMINAL: ReadonlySet<JobStatus> = new Set<JobStatus>(TERMINAL_STATUSES);
export const isTerminal = (status: JobStatus): boolean => TERMINAL.has(status);

/**
 * Allowed moves. Retries go back to UPLOADING/PROCESSING with attempt+1; nothing leaves a
 * terminal state. Every write in records.ts checks its `from` set in a DynamoDB condition.
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
export const fromStatesOf = (to: JobStatus): JobStatus[] => JOB_STATUSES.filter((from) => TRANSITIONS[from].includes(to));

export const jobIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{7,80}$/, 'not a job id');

/** The error of the attempt before a retry, with when it happened. */
export const lastErrorSchema = jobErrorSchema.extend({ at: z.string() });

const jobRecord = z.looseObject({
  jobId: z.string(),
  status: z.enum(JOB_STATUSES),
  attempt: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
  ttl: z.number().int(),
  source: sourceSchema.optional(),
  mode: z.enum(UPLOAD_MODES).optional(),
  fileId: z.string().optional(),
  pullTaskId: z.string().optional(),
  vodTaskId: z.string().optional(),
  /** The attempt whose ProcessFile/RedoTask produced vodTaskId (a redo keeps the task id). */
  processAttempt: z.number().int().optional(),
  progress: z.number().min(0).max(100).optional(),
  outputs: outputsSchema.optional(),
  error: jobErrorSchema.optional(),
  lastError: lastErrorSchema.optional(),
  finishedAt: z.string().optional(),
  /** The caller's own string from POST /uploads, echoed in the terminal event (as Mux does). */
  passthrough: z.string().max(255).optional(),
  /** Step markers (lease expiry ms / done) that make every handler safe under redelivery. */
  leases: z.record(z.string(), z.number()).default({}),
  done: z.record(z.string(), z.boolean()).default({}),
  /** Outbox: the terminal CloudEvent (stored, or made from eventParts) and the destinations that already have it. */
  event: downstreamEvent.optional(),
  /**
   * What a terminal write made without the job in hand stores in place of `event` (a final
   * failure, decided from its message alone): the job's own fields, `error` and `finishedAt` make
   * the rest, so the record reads with the same event every time (lib/events/build eventFromParts).
   */
  eventParts: z.object({ eventSource: z.string(), vodTaskId: z.string().optional() }).optional(),
  eventDeliveredTo: z.preprocess((v) => (v instanceof Set ? [...v] : v), z.array(z.string())).optional(),
  /** Each conditional write's own id by its purpose: a retry of an applied write knows it (lib/jobs/table WriteMark). */
  writes: z.record(z.string(), z.string()).default({}),
});
export type Job = z.infer<typeof jobRecord>;

/** A job record as read: one stored by its event's parts reads with that event. */
export const jobSchema: z.ZodType<Job, unknown> = jobRecord.transform((job, ctx) => {
  if (job.event) return job;
  try {
    const event = eventFromParts(job);
    return event ? { ...job, event } : job;
  } catch (err) {
    // A damaged record is a parse issue like any other (the CLI shows it), not a thrown error.
    ctx.issues.push({ code: 'custom', path: ['eventParts'], message: `does not make an event: ${(err as Error).message}`, input: job });
    return z.NEVER;
  }
});
