// Builds the terminal CloudEvent of a job from its record.
import type { Job, JobError, JobOutputs } from '../jobs/types';
import { dataSchemaOf, downstreamEvent, EVENT_TYPES, type DownstreamEvent } from './contracts';

/** `<jobId>.ready` / `<jobId>.failed`: stable across redeliveries, unique per job. */
export const eventIdOf = (jobId: string, outcome: 'ready' | 'failed'): string => `${jobId}.${outcome}`;

const sourceOf = (job: Job) =>
  job.source ? { bucket: job.source.bucket, key: job.source.key, etag: job.source.etag, versionId: job.source.versionId, size: job.source.size } : undefined;

export function readyEvent(job: Job, outputs: JobOutputs, eventSource: string, time = new Date()): DownstreamEvent {
  return downstreamEvent.parse({
    specversion: '1.0',
    id: eventIdOf(job.jobId, 'ready'),
    source: eventSource,
    type: EVENT_TYPES.ready,
    subject: job.jobId,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataSchemaOf(EVENT_TYPES.ready),
    data: { jobId: job.jobId, source: sourceOf(job), attempts: job.attempt, ...outputs },
  });
}

export function failedEvent(job: Job, error: JobError, eventSource: string, time = new Date()): DownstreamEvent {
  return downstreamEvent.parse({
    specversion: '1.0',
    id: eventIdOf(job.jobId, 'failed'),
    source: eventSource,
    type: EVENT_TYPES.failed,
    subject: job.jobId,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataSchemaOf(EVENT_TYPES.failed),
    data: { jobId: job.jobId, source: sourceOf(job), attempts: job.attempt, fileId: job.fileId, vodTaskId: job.vodTaskId, error },
  });
}
