// `vodflow jobs retry ID`: sends again the message that moves a stuck job on (lib/pipeline/resume),
// instead of waiting for SQS to deliver the dead handler's message after the queue's visibility
// timeout. Refused while a handler holds the job's step (unless forced) and for finished jobs.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createJobStore } from '../../lib/jobs';
import { internalMessage } from '../../lib/messages/internal';
import { inFlightOf } from '../../lib/pipeline/liveness';
import { resumeOf } from '../../lib/pipeline/resume';
import type { JobsTarget } from './target';

export type RetryResult =
  | { sent: true; jobId: string; queue: string; message: Record<string, unknown> }
  | { sent: false; jobId: string; reason: string };

export async function retryJob(target: JobsTarget, jobId: string, options: { force?: boolean; now?: number } = {}): Promise<RetryResult> {
  const now = options.now ?? Date.now();
  const job = await createJobStore({ dynamo: target.dynamo, table: target.table }).getJob(jobId);
  if (!job) return { sent: false, jobId, reason: `no job ${jobId} in ${target.table}` };
  const inFlight = inFlightOf(job, now);
  if (inFlight?.state === 'running' && !options.force) {
    return { sent: false, jobId, reason: `${inFlight.step} is running (lease until ${inFlight.leaseUntil}); --force sends anyway` };
  }
  const resume = resumeOf(job, now);
  if (!resume.queue) return { sent: false, jobId, reason: resume.reason };
  const name = `${target.prefix}-${resume.queue}`;
  const queue = target.pairs.find((p) => p.source.name === name)?.source;
  if (!queue) return { sent: false, jobId, reason: `no queue ${name} in the target` };
  const body = internalMessage.parse(resume.message);
  await target.sqs.send(
    new SendMessageCommand({
      QueueUrl: await target.queueUrl(queue),
      MessageBody: JSON.stringify(body),
      MessageAttributes: { jobId: { DataType: 'String', StringValue: jobId } },
    }),
  );
  return { sent: true, jobId, queue: name, message: body };
}

export function renderRetry(r: RetryResult): string {
  if (!r.sent) return `not retried: ${r.reason}\n`;
  return `sent ${r.message.type} (attempt ${r.message.attempt}) to ${r.queue}; \`vodflow jobs show ${r.jobId}\` follows it\n`;
}
