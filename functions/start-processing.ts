// start-processing: ProcessFile with the configured definitions, cover and snapshots (or RedoTask
// when classify-error retries a failed procedure), then the first poll.
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { classifyOrRethrow, currentJob, getJob, indexTask, leaseFor, runStep, transition } from '../lib/jobs';
import { enqueue, readMessage, sqsHandler, type StartProcessing } from '../lib/messages';

config();

/** What to make of the file, from configuration (the provider turns it into ProcessFile / ProcessMedia). */
export function processingPlan(fileId: string) {
  const { vod } = config();
  return { fileId, definitions: vod.definitions, cover: vod.cover, snapshots: vod.snapshots };
}

async function start(msg: StartProcessing): Promise<string> {
  return (await (await vodProvider()).startProcessing(processingPlan(msg.fileId), msg.redoVodTaskId)).vodTaskId;
}

export const handler = sqsHandler(
  (body) => readMessage(body, 'start-processing'),
  (m) => m.jobId,
  async (msg, ctx) => {
    if (!(await currentJob(msg, ctx.logger))) return;
    const cfg = config();
    const step = await runStep(msg.jobId, `process#${msg.attempt}`, leaseFor(ctx.remainingMs()), async () => {
      const job = (await getJob(msg.jobId))!;
      let vodTaskId = job.processAttempt === msg.attempt ? job.vodTaskId : undefined;
      if (!vodTaskId) {
        try {
          vodTaskId = await start(msg);
        } catch (err) {
          await classifyOrRethrow(err, { jobId: msg.jobId, attempt: msg.attempt, origin: 'process', vodTaskId: msg.redoVodTaskId });
          ctx.logger.warn('VOD refused to start processing; sent to classification', { error: (err as Error).message });
          return;
        }
        await indexTask(vodTaskId, { jobId: msg.jobId, attempt: msg.attempt, task: 'procedure' });
        const moved = await transition(msg.jobId, {
          to: 'PROCESSING',
          attempt: msg.attempt,
          set: { vodTaskId, fileId: msg.fileId, processAttempt: msg.attempt, progress: 50 },
        });
        if (!moved) throw new Error('job changed while its processing was being started');
        ctx.logger.info(msg.redoVodTaskId ? 'procedure redone' : 'procedure started', { vodTaskId, fileId: msg.fileId, definitions: cfg.vod.definitions });
      }
      await enqueue(
        cfg.queues.poll,
        { v: 1, type: 'poll-status', jobId: msg.jobId, attempt: msg.attempt, vodTaskId, task: 'procedure', seq: 0, startedAt: Date.now() },
        cfg.poll.baseDelayS,
      );
    });
    if (!step.ran) ctx.logger.info('duplicate delivery; processing already handled', { step: step.claim });
  },
);
