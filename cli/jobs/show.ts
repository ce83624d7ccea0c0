// `vodflow jobs show ID`: one job in full — where it is, what VOD made of it, and for a failed
// job why it failed (the stored error already holds classify()'s stage/step/cause/retryable
// and the action to take). A VOD task id works too: its TASK# item names the job.
import { createJobStore, jobSchema, taskKey, type Job, type JobError } from '../../lib/jobs';
import { inFlightOf } from '../../lib/pipeline/liveness';
import { humanBytes, printable, shortTime } from './format';
import type { JobsTarget } from './target';

export type FoundJob =
  | { found: true; job: Job; viaTask?: string }
  /** The item exists but is not a valid job record (shown raw). */
  | { found: true; job?: undefined; raw: Record<string, unknown>; problem: string; viaTask?: string }
  | { found: false };

export async function findJob(target: JobsTarget, id: string): Promise<FoundJob> {
  const store = createJobStore({ dynamo: target.dynamo, table: target.table });
  let raw = await store.getItem(id);
  let viaTask: string | undefined;
  if (!raw || raw.kind === 'task') {
    const task = raw ?? (await store.getItem(taskKey(id).jobId));
    if (task?.kind !== 'task' || typeof task.ownerJobId !== 'string') return { found: false };
    viaTask = id.replace(/^TASK#/, '');
    raw = await store.getItem(task.ownerJobId);
    if (!raw) return { found: false };
  }
  const parsed = jobSchema.safeParse(raw);
  if (parsed.success) return { found: true, job: parsed.data, viaTask };
  const issue = parsed.error.issues[0];
  return { found: true, raw, problem: `${issue?.path.join('.') || 'item'}: ${issue?.message ?? 'invalid'}`, viaTask };
}

const field = (label: string, value: string | number | undefined | null) =>
  value === undefined || value === null || value === '' ? [] : [`  ${`${label}:`.padEnd(12)}${value}`];

function explainError(title: string, e: JobError & { at?: string }): string[] {
  const where = [e.stage, e.step, e.cause].map((v) => v ?? '-').join(' / ');
  return [
    title,
    ...field('code', e.code),
    ...field('where', `${where}  (stage / step / cause)`),
    ...field('retryable', `${e.retryable ? 'yes' : 'no'} (after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'})`),
    ...field('meaning', e.message_en),
    ...field('(zh)', e.message),
    ...field('VOD said', e.detail),
    ...field('at', e.at && shortTime(e.at)),
    ...field('what to do', e.action),
  ];
}

/** The human view; every section appears only when the job has it. */
export function renderJob(job: Job, viaTask?: string, now = Date.now()): string {
  const { event } = job;
  const inFlight = inFlightOf(job, now);
  const src = job.source;
  const lines = [`job ${job.jobId}  ${job.status}  (attempt ${job.attempt})${viaTask ? `  — found through VOD task ${viaTask}` : ''}`];
  lines.push(
    ...field('created', shortTime(job.createdAt)),
    ...field('updated', shortTime(job.updatedAt)),
    ...field('finished', job.finishedAt && shortTime(job.finishedAt)),
    ...field(
      'source',
      src &&
        `s3://${src.bucket}/${src.key}${[humanBytes(src.size), src.contentType].filter(Boolean).length ? ` (${[humanBytes(src.size), src.contentType].filter(Boolean).join(', ')})` : ''}`,
    ),
    ...field('etag', src?.etag?.replaceAll('"', '')),
    ...field('mode', job.mode),
    ...field('progress', job.status === 'SUCCEEDED' || job.status === 'FAILED' ? undefined : `${Math.round(job.progress ?? 0)}%`),
    ...field('fileId', job.fileId),
    ...field('pull task', job.pullTaskId),
    ...field('vodTaskId', job.vodTaskId),
    ...field(
      'in flight',
      inFlight &&
        (inFlight.state === 'running'
          ? `${inFlight.step}, running (lease until ${shortTime(inFlight.leaseUntil)})`
          : `${inFlight.step}, interrupted since ${shortTime(inFlight.since)}: its handler stopped mid-step; SQS delivers it again after the queue's visibility timeout, or now with \`vodflow jobs retry ${job.jobId}\``),
    ),
    ...field(
      'event',
      event &&
        `${event.type} ${event.id}${job.eventDeliveredTo?.length ? ` → ${job.eventDeliveredTo.join(', ')}` : ' (not delivered yet)'}`,
    ),
  );
  if (job.error) lines.push('', ...explainError(job.status === 'FAILED' ? 'why it failed' : 'error', job.error));
  else if (job.status === 'FAILED') lines.push('', 'why it failed: no error was recorded with this job');
  if (job.lastError && job.status !== 'FAILED')
    lines.push('', ...explainError(`last error (retried as attempt ${job.attempt})`, job.lastError));
  const out = job.outputs;
  if (out) {
    lines.push('', 'outputs');
    for (const p of out.playSet) {
      const size = p.width && p.height ? `${p.width}x${p.height}` : undefined;
      const rate = p.bitrate ? `${Math.round(p.bitrate / 1000)} kbps` : undefined;
      lines.push(`  definition ${p.definition}: ${p.url}${size || rate ? `  (${[size, rate].filter(Boolean).join(', ')})` : ''}`);
    }
    lines.push(...field('cover', out.coverUrl), ...field('duration', out.duration === undefined ? undefined : `${out.duration} s`));
    for (const s of out.snapshots) lines.push(`  snapshot ${s.timeOffset} ms: ${s.url}`);
  }
  return `${lines.map(printable).join('\n')}\n`;
}

/** The JSON view: the stored record without the idempotency bookkeeping. */
export function jobJson(job: Job, now = Date.now()): Record<string, unknown> {
  const { leases: _leases, done: _done, ...rest } = job;
  return { ...rest, inFlight: inFlightOf(job, now) };
}
