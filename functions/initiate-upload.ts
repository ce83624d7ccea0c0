// initiate-upload: hand the S3 object to VOD. Pull mode (default): MultiPullVodFile with a
// presigned GET, then poll the pull task. Push mode: stream the object from S3 through the
// chunked upload (resumable: InitUpload reports the parts VOD already has), then process.
import { basename } from 'node:path';
import { getObject, objectGone, presignGet } from '../lib/aws/s3';
import { vodProvider } from '../lib/aws/vod-provider';
import { vodPusher } from '../lib/aws/vod-pusher';
import { config } from '../lib/config';
import { jobs, type Job } from '../lib/jobs';
import { enqueue, type InitiateUpload, type RecordContext } from '../lib/messages';
import { classifyOrRethrow, jobStep, PROGRESS, pushProgress, sendToClassify, startPolling, STEPS } from '../lib/pipeline';
import { SOURCE_GONE_CODE } from '../lib/vod/errors';
import { mediaNameOf } from '../lib/vod/media-name';

config();

async function pull(job: Job, msg: InitiateUpload, ctx: RecordContext): Promise<void> {
  const cfg = config();
  const source = job.source!;
  let pullTaskId = job.pullTaskId;
  if (!pullTaskId) {
    const url = await presignGet(source, cfg.upload.pullUrlTtlS);
    // The URL names the key, not the bytes: VOD checks the pulled file against the job's etag (an
    // MD5 for a single-part upload), so an overwrite fails the pull truthfully (10001, MD5 differs).
    const fileMd5 = /^[0-9a-f]{32}$/i.test(source.etag ?? '') ? source.etag : undefined;
    const item = await (await vodProvider()).pullSource({
      url,
      fileName: mediaNameOf(basename(source.key)),
      classId: cfg.vod.classId,
      fileMd5,
    });
    pullTaskId = item.vodTaskId;
    await jobs().indexTask(pullTaskId, { jobId: job.jobId, attempt: msg.attempt, task: 'pull' });
    // Only if no pull of this attempt was adopted meanwhile: a holder that died after indexing its
    // task may have had that task's result accepted (publish-result) while this one was starting.
    const moved = await jobs().transition(job.jobId, {
      to: 'UPLOADING',
      attempt: msg.attempt,
      set: { pullTaskId, fileId: item.fileId, progress: PROGRESS.pullStarted },
      absent: ['pullTaskId'],
    });
    if (!moved) {
      const now = await jobs().getJob(job.jobId);
      if (now?.attempt !== msg.attempt || !now.pullTaskId) throw new Error('job changed while its pull was being started');
      return ctx.logger.warn('a pull of this attempt finished first and was adopted; this one is left unused', {
        vodTaskId: pullTaskId,
        adopted: now.pullTaskId,
      });
    }
    ctx.logger.info('pull started', { vodTaskId: pullTaskId, fileId: item.fileId, urlTtlS: cfg.upload.pullUrlTtlS });
  }
  await startPolling(job.jobId, msg.attempt, 'pull', pullTaskId);
}

/** What each API version answers for a pulled 0-byte file (test/functions/empty-object.test.ts). */
const EMPTY_SOURCE_CODE = { v2: -43001, v3: 'SourceFileError.ContentMalformed' } as const;

async function push(job: Job, msg: InitiateUpload, ctx: RecordContext): Promise<void> {
  const cfg = config();
  const source = job.source!;
  let fileId = job.fileId;
  if (source.size === 0) {
    // VOD's upload takes no 0-byte file; the verdict the version gives an empty pulled file (it is
    // damaged: there is nothing to decode) ends the job in one video.failed here too.
    await sendToClassify({
      jobId: job.jobId,
      attempt: msg.attempt,
      origin: 'push',
      code: EMPTY_SOURCE_CODE[cfg.vod.apiVersion],
      message: 'the object is empty (0 bytes): there is no video to upload',
    });
    return;
  }
  if (!fileId) {
    if (!(await jobs().transition(job.jobId, { to: 'UPLOADING', attempt: msg.attempt, set: { progress: PROGRESS.pushStarted } }))) {
      throw new Error('job changed while its upload was being started');
    }
    // If-Match pins the bytes this job was created for (an overwrite answers 412, not other bytes).
    const open = () => getObject({ ...source, ifMatch: source.etag ? `"${source.etag}"` : undefined });
    let lastPct = 0;
    const result = await (await vodPusher()).pushUpload({
      open,
      size: source.size,
      fileName: mediaNameOf(basename(source.key)),
      classId: cfg.vod.classId,
      onProgress: ({ sentBytes, totalBytes }) => {
        const pct = pushProgress(sentBytes, totalBytes);
        if (pct - lastPct >= 5) {
          lastPct = pct;
          void jobs()
            .patchJob(job.jobId, msg.attempt, { progress: pct })
            .catch(() => undefined);
        }
      },
    });
    fileId = result.fileId;
    await jobs().transition(job.jobId, { to: 'UPLOADING', attempt: msg.attempt, set: { fileId, progress: PROGRESS.uploaded } });
    ctx.logger.info('upload finished', { fileId, bytes: result.size, resumedParts: result.skippedParts, instant: result.instant });
  }
  await enqueue(cfg.queues.process, { v: 1, type: 'start-processing', jobId: job.jobId, attempt: msg.attempt, fileId });
}

export const handler = jobStep({
  type: 'initiate-upload',
  step: (msg) => STEPS.upload(msg.attempt),
  duplicateOf: 'upload',
  // The job as the claim found it: a previous holder may have stored its VOD ids before dying.
  run: async ({ msg, job, ctx }) => {
    const mode = job.mode ?? config().upload.mode;
    try {
      await (mode === 'push' ? push(job, msg, ctx) : pull(job, msg, ctx));
    } catch (err) {
      // The bytes of this job are gone from S3: no retry brings them back, so one video.failed says so.
      if (objectGone(err)) {
        await sendToClassify({ jobId: msg.jobId, attempt: msg.attempt, origin: mode, code: SOURCE_GONE_CODE, message: err.message });
        return ctx.logger.warn('the source object is gone; sent to classification', { error: err.message });
      }
      await classifyOrRethrow(err, { jobId: msg.jobId, attempt: msg.attempt, origin: mode });
      ctx.logger.warn('VOD refused the upload; sent to classification', { error: (err as Error).message });
    }
  },
});
