// initiate-upload: hand the S3 object to VOD. Pull mode (default): MultiPullVodFile with a
// presigned GET, then poll the pull task. Push mode: stream the object from S3 through the
// chunked upload (resumable: InitUpload reports the parts VOD already has), then process.
import { basename } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { s3 } from '../lib/aws/s3';
import { vodProvider } from '../lib/aws/vod-provider';
import { vodPusher } from '../lib/aws/vod-pusher';
import { config } from '../lib/config';
import { classifyOrRethrow, currentJob, getJob, indexTask, leaseFor, patchJob, runStep, transition, type Job } from '../lib/jobs';
import { enqueue, readMessage, sqsHandler, type InitiateUpload, type RecordContext } from '../lib/messages';

config();

async function pull(job: Job, msg: InitiateUpload, ctx: RecordContext): Promise<void> {
  const cfg = config();
  const source = job.source!;
  let pullTaskId = job.pullTaskId;
  if (!pullTaskId) {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }), {
      expiresIn: cfg.upload.pullUrlTtlS,
    });
    const item = await (await vodProvider()).pullSource({ url, fileName: basename(source.key), classId: cfg.vod.classId });
    pullTaskId = item.vodTaskId;
    await indexTask(pullTaskId, { jobId: job.jobId, attempt: msg.attempt, task: 'pull' });
    const moved = await transition(job.jobId, { to: 'UPLOADING', attempt: msg.attempt, set: { pullTaskId, fileId: item.fileId, progress: 10 } });
    if (!moved) throw new Error('job changed while its pull was being started');
    ctx.logger.info('pull started', { vodTaskId: pullTaskId, fileId: item.fileId, urlTtlS: cfg.upload.pullUrlTtlS });
  }
  await enqueue(
    cfg.queues.poll,
    { v: 1, type: 'poll-status', jobId: job.jobId, attempt: msg.attempt, vodTaskId: pullTaskId, task: 'pull', seq: 0, startedAt: Date.now() },
    cfg.poll.baseDelayS,
  );
}

async function push(job: Job, msg: InitiateUpload, ctx: RecordContext): Promise<void> {
  const cfg = config();
  const source = job.source!;
  let fileId = job.fileId;
  if (!fileId) {
    if (!(await transition(job.jobId, { to: 'UPLOADING', attempt: msg.attempt, set: { progress: 5 } }))) {
      throw new Error('job changed while its upload was being started');
    }
    const open = async () =>
      (await s3().send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }))).Body as Readable;
    let lastPct = 0;
    const result = await (await vodPusher()).pushUpload({
      open,
      size: source.size,
      fileName: basename(source.key),
      classId: cfg.vod.classId,
      onProgress: ({ sentBytes, totalBytes }) => {
        const pct = Math.floor((sentBytes / Math.max(1, totalBytes)) * 35) + 5;
        if (pct - lastPct >= 5) {
          lastPct = pct;
          void patchJob(job.jobId, msg.attempt, { progress: pct }).catch(() => undefined);
        }
      },
    });
    fileId = result.fileId;
    await transition(job.jobId, { to: 'UPLOADING', attempt: msg.attempt, set: { fileId, progress: 40 } });
    ctx.logger.info('upload finished', { fileId, bytes: result.size, resumedParts: result.skippedParts, instant: result.instant });
  }
  await enqueue(cfg.queues.process, { v: 1, type: 'start-processing', jobId: job.jobId, attempt: msg.attempt, fileId });
}

export const handler = sqsHandler(
  (body) => readMessage(body, 'initiate-upload'),
  (m) => m.jobId,
  async (msg, ctx) => {
    if (!(await currentJob(msg, ctx.logger))) return;
    const step = await runStep(msg.jobId, `upload#${msg.attempt}`, leaseFor(ctx.remainingMs()), async () => {
      // Re-read after the claim: a previous holder may have stored its VOD ids before dying.
      const job = (await getJob(msg.jobId))!;
      const mode = job.mode ?? config().upload.mode;
      try {
        await (mode === 'push' ? push(job, msg, ctx) : pull(job, msg, ctx));
      } catch (err) {
        await classifyOrRethrow(err, { jobId: msg.jobId, attempt: msg.attempt, origin: mode });
        ctx.logger.warn('VOD refused the upload; sent to classification', { error: (err as Error).message });
      }
    });
    if (!step.ran) ctx.logger.info('duplicate delivery; upload already handled', { step: step.claim });
  },
);
