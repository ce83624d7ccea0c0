// The message that moves a job on from where it stands: what `vodflow jobs retry` sends for a job
// whose handler died mid-step. Every step is idempotent, so a copy of a message still on its way
// is dropped as a duplicate; the retry only saves waiting for the queue's visibility timeout.
import { isTerminal, type Job, type TaskKind } from '../jobs';
import type { InternalMessage } from '../messages';
import { STEPS } from './steps';

export type ResumeQueue = 'upload' | 'process' | 'poll';
export type Resume = { queue: ResumeQueue; message: InternalMessage } | { queue?: undefined; reason: string };

/** A fresh link for the task's polling chain, after every link the job has seen. */
function poll(job: Job, task: TaskKind, vodTaskId: string, now: number): Resume {
  const chain = STEPS.poll(task, job.attempt, 0).name.replace(/#0$/, '#');
  const seqs = [...Object.keys(job.done), ...Object.keys(job.leases)]
    .filter((s) => s.startsWith(chain))
    .map((s) => Number(s.slice(chain.length)));
  const seq = seqs.length ? Math.max(...seqs) + 1 : 0;
  return {
    queue: 'poll',
    message: { v: 1, type: 'poll-status', jobId: job.jobId, attempt: job.attempt, vodTaskId, task, seq, startedAt: now },
  };
}

export function resumeOf(job: Job, now = Date.now()): Resume {
  if (isTerminal(job.status)) return { reason: `the job is ${job.status}` };
  if (job.status === 'AWAITING_UPLOAD') return { reason: 'the job waits for its upload (PUT to the upload URL)' };
  const { jobId, attempt } = job;
  const startProcessing = (fileId: string): Resume => ({
    queue: 'process',
    // A retried procedure (a task id from an earlier attempt) is redone, as classify-error would.
    message: {
      v: 1,
      type: 'start-processing',
      jobId,
      attempt,
      fileId,
      redoVodTaskId: job.processAttempt !== attempt ? job.vodTaskId : undefined,
    },
  });
  if (job.status === 'PROCESSING') {
    if (job.processAttempt === attempt && job.vodTaskId) return poll(job, 'procedure', job.vodTaskId, now);
    if (!job.fileId) return { reason: 'the job is PROCESSING without a fileId' };
    return startProcessing(job.fileId);
  }
  // QUEUED or UPLOADING
  if (job.pullTaskId && job.done[STEPS.result('pull', attempt).name] && job.fileId) return startProcessing(job.fileId);
  if (job.pullTaskId) return poll(job, 'pull', job.pullTaskId, now);
  if (job.mode === 'push' && job.fileId && job.done[STEPS.upload(attempt).name]) return startProcessing(job.fileId);
  return { queue: 'upload', message: { v: 1, type: 'initiate-upload', jobId, attempt } };
}
