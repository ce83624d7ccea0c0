// Following jobs the way a user would: GET /jobs/{id} for status and progress (sub-tasks.ts for
// the state of each definition), and the downstream events queue for the one terminal event.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { downstreamEvent, type DownstreamEvent } from '../../lib/events/contracts';

export const jobViewSchema = z.looseObject({
  jobId: z.string(),
  status: z.string(),
  attempts: z.number(),
  progress: z.number(),
  fileId: z.string().optional(),
  vodTaskId: z.string().optional(),
});
export type JobView = z.infer<typeof jobViewSchema>;

export async function fetchJob(httpApi: string, apiKey: string, jobId: string): Promise<JobView | undefined> {
  const response = await fetch(`${httpApi}/jobs/${jobId}`, { headers: { 'x-api-key': apiKey } }).catch(() => undefined);
  if (!response?.ok) return undefined;
  const parsed = jobViewSchema.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Drains the events queue of the run's own stack and hands each CloudEvent to whoever waits for
 * its subject; an event that arrives before anyone asks is kept until asked for.
 */
export function watchEvents(sqs: SQSClient, queueUrl: string) {
  const waiting = new Map<string, (event: DownstreamEvent) => void>();
  const early = new Map<string, DownstreamEvent>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { Messages = [] } = await sqs
        .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 5 }))
        .catch(() => ({ Messages: [] }));
      const mine: { Id: string; ReceiptHandle: string }[] = [];
      for (const message of Messages) {
        const parsed = downstreamEvent.safeParse(JSON.parse(message.Body ?? 'null'));
        if (!parsed.success) continue;
        const event = parsed.data;
        const resolve = waiting.get(event.subject);
        if (resolve) {
          waiting.delete(event.subject);
          resolve(event);
        } else if (!early.has(event.subject)) {
          early.set(event.subject, event);
        }
        mine.push({ Id: message.MessageId!, ReceiptHandle: message.ReceiptHandle! });
      }
      if (mine.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: mine })).catch(() => undefined);
    }
  })();
  return {
    /** The terminal event of `jobId` (the first copy; duplicates share its id and are dropped). */
    next(jobId: string): Promise<DownstreamEvent> {
      const seen = early.get(jobId);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.set(jobId, resolve));
    },
    async stop(): Promise<void> {
      stopped = true;
      await loop;
    },
  };
}
