// Builds the terminal CloudEvent of a job from its record.
import type { Job, JobError, JobOutputs } from '../jobs/types';
import { dataSchemaOf, downstreamEvent, EVENT_TYPES, type DownstreamEvent } from './contracts';

/** `<jobId>.ready` / `<jobId>.failed`: stable across redeliveries, unique per job. */
export const eventIdOf = (jobId: string, outcome: 'ready' | 'failed'): string => `${jobId}.${outcome}`;

const sourceOf = (job: Job) =>
  job.source
    ? { bucket: job.source.bucket, key: job.source.key, etag: job.source.etag, versionId: job.source.versionId, size: job.source.size }
    : undefined;

/** The CloudEvents envelope shared by both outcomes; the data says what happened. */
function terminalEvent(
  job: Job,
  outcome: 'ready' | 'failed',
  data: Record<string, unknown>,
  eventSource: string,
  time: Date,
): DownstreamEvent {
  const type = EVENT_TYPES[outcome];
  return downstreamEvent.parse({
    specversion: '1.0',
    id: eventIdOf(job.jobId, outcome),
    source: eventSource,
    type,
    subject: job.jobId,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataSchemaOf(type),
    data: {
      jobId: job.jobId,
      source: sourceOf(job),
      attempts: job.attempt,
      ...(job.passthrough === undefined ? {} : { passthrough: job.passthrough }),
      ...data,
    },
  });
}

export const readyEvent = (job: Job, outputs: JobOutputs, eventSource: string, time = new Date()): DownstreamEvent =>
  terminalEvent(job, 'ready', outputs, eventSource, time);

export const failedEvent = (job: Job, error: JobError, eventSource: string, time = new Date()): DownstreamEvent =>
  terminalEvent(job, 'failed', { fileId: job.fileId, vodTaskId: job.vodTaskId, error }, eventSource, time);

/**
 * The failed event of a record that stores its parts (`eventParts`: a terminal write made from
 * the failure message alone) with its error and finish time: built alike on every read, so each
 * delivery sends the same id, time and data. Undefined for any other record.
 */
export function eventFromParts(job: Job): DownstreamEvent | undefined {
  const { eventParts: parts, error, finishedAt } = job;
  if (job.status !== 'FAILED' || !parts || !error || !finishedAt) return undefined;
  return failedEvent({ ...job, vodTaskId: parts.vodTaskId ?? job.vodTaskId }, error, parts.eventSource, new Date(finishedAt));
}
