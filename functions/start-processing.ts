// start-processing: ProcessFile with the configured definitions, cover and snapshots (or RedoTask
// when classify-error retries a failed procedure), then the first poll.
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { jobs } from '../lib/jobs';
import type { StartProcessing } from '../lib/messages';
import { classifyOrRethrow, jobStep, PROGRESS, startPolling, STEPS } from '../lib/pipeline';

config();

/** What to make of the file, from configuration (the provider turns it into ProcessFile / ProcessMedia). */
export function processingPlan(fileId: string) {
  const { vod } = config();
  return { fileId, definitions: vod.definitions, cover: vod.cover, snapshots: vod.snapshots };
}

async function start(msg: StartProcessing): Promise<string> {
  return (await (await vodProvider()).startProcessing(processingPlan(msg.fileId), msg.redoVodTaskId)).vodTaskId;
}

export const handler = jobStep({
  type: 'start-processing',
  step: (msg) => STEPS.process(msg.attempt),
  duplicateOf: 'processing',
  run: async ({ msg, job, ctx }) => {
    let vodTaskId = job.processAttempt === msg.attempt ? job.vodTaskId : undefined;
    if (!vodTaskId) {
      try {
        vodTaskId = await start(msg);
      } catch (err) {
        await classifyOrRethrow(err, { jobId: msg.jobId, attempt: msg.attempt, origin: 'process', vodTaskId: msg.redoVodTaskId });
        ctx.logger.warn('VOD refused to start processing; sent to classification', { error: (err as Error).message });
        return;
      }
      await jobs().indexTask(vodTaskId, { jobId: msg.jobId, attempt: msg.attempt, task: 'procedure' });
      // Only if no procedure of this attempt was adopted meanwhile (see initiate-upload).
      const moved = await jobs().transition(msg.jobId, {
        to: 'PROCESSING',
        attempt: msg.attempt,
        set: { vodTaskId, fileId: msg.fileId, processAttempt: msg.attempt, progress: PROGRESS.processingStarted },
        differs: { processAttempt: msg.attempt },
      });
      if (!moved) {
        const now = await jobs().getJob(msg.jobId);
        if (now?.attempt !== msg.attempt || now.processAttempt !== msg.attempt)
          throw new Error('job changed while its processing was being started');
        return ctx.logger.warn('a procedure of this attempt finished first and was adopted; this one is left unused', {
          vodTaskId,
          adopted: now.vodTaskId,
        });
      }
      ctx.logger.info(msg.redoVodTaskId ? 'procedure redone' : 'procedure started', {
        vodTaskId,
        fileId: msg.fileId,
        definitions: config().vod.definitions,
      });
    }
    await startPolling(msg.jobId, msg.attempt, 'procedure', vodTaskId);
  },
});
