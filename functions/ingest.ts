// ingest: S3 ObjectCreated → a job (deduplicated on bucket+key+etag+versionId) → upload-queue.
import { basename, extname } from 'node:path';
import { config } from '../lib/config';
import { jobIdFor, jobs, type JobSource } from '../lib/jobs';
import {
  decodeS3Key,
  enqueue,
  s3Notification,
  sqsHandler,
  type RecordContext,
  type S3EventRecord,
  type S3Notification,
} from '../lib/messages';
import { APPLE_DOUBLE_REASON, isAppleDouble, leaseFor, STEPS } from '../lib/pipeline';

config();

const parse = (body: string): S3Notification => s3Notification.parse(JSON.parse(body));

const sourceOf = (r: S3EventRecord): JobSource => ({
  bucket: r.s3.bucket.name,
  key: decodeS3Key(r.s3.object.key),
  etag: r.s3.object.eTag?.replaceAll('"', ''),
  versionId: r.s3.object.versionId,
  size: r.s3.object.size,
});

/** Why an object is not a video job, or undefined when it is one. */
function skipReason(r: S3EventRecord, source: JobSource): string | undefined {
  const { ingest } = config();
  if (!r.eventName.startsWith('ObjectCreated')) return `event ${r.eventName} is not an object creation`;
  if (source.key.endsWith('/')) return 'a folder placeholder';
  if (isAppleDouble(basename(source.key))) return APPLE_DOUBLE_REASON;
  const ext = extname(source.key).slice(1).toLowerCase();
  if (!ingest.videoExtensions.includes(ext)) return `extension ".${ext}" is not a video extension (${ingest.videoExtensions.join(', ')})`;
  // An empty object is a job like any other: VOD's verdict on it (-43001, the file is damaged) ends
  // it in one video.failed, in push mode too (initiate-upload).
  if (source.size !== undefined && source.size > ingest.maxSourceBytes)
    return `${source.size} bytes exceeds MAX_SOURCE_BYTES ${ingest.maxSourceBytes}`;
  return undefined;
}

async function ingestRecord(r: S3EventRecord, ctx: RecordContext): Promise<void> {
  const cfg = config();
  const source = sourceOf(r);
  const reason = skipReason(r, source);
  if (reason) {
    ctx.logger.info('object skipped', {
      bucket: source.bucket,
      key: source.key,
      reason,
    });
    return;
  }
  const jobId = jobIdFor(source);
  const log = ctx.logger.createChild({ persistentKeys: { jobId } });
  log.setCorrelationId(jobId);
  // The write that creates the job (or adopts its reservation) also claims the ingest step; a
  // known job's step is claimed as usual (a repeated notification finds it done).
  const ingest = STEPS.ingest().name;
  const leaseMs = leaseFor(ctx.remainingMs());
  const created = await jobs().createJob(jobId, source, cfg.upload.mode, { [ingest]: Date.now() + leaseMs });
  const queue = () => enqueue(cfg.queues.upload, { v: 1, type: 'initiate-upload', jobId, attempt: 1 });
  const step = created
    ? { ran: true as const, value: await jobs().runHeldStep(jobId, ingest, queue) }
    : await jobs().runStep(jobId, ingest, leaseMs, queue);
  if (step.ran) log.info('job queued', { bucket: source.bucket, key: source.key, size: source.size, mode: cfg.upload.mode, created });
  else log.info('repeated notification for a known object; nothing to do', { key: source.key, step: step.claim });
}

export const handler = sqsHandler(
  parse,
  (n) => (n.kind === 'records' && n.records[0] ? jobIdFor(sourceOf(n.records[0])) : undefined),
  async (notification, ctx) => {
    if (notification.kind === 'test') {
      ctx.logger.info('S3 test event acknowledged', { bucket: notification.bucket });
      return;
    }
    for (const record of notification.records) await ingestRecord(record, ctx);
  },
);
