// The outside world's view of a stack: a user uploading (POST /uploads + PUT) and a downstream
// consumer reading the events queue. An SQS redelivery of one message (same MessageId, e.g. after
// the stack died between receive and delete) is the queue's doing and is counted once; a second
// SendMessage of the same event is a duplicate and is kept.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DownstreamEvent } from './stack';

export async function submitClip(
  httpApi: string,
  apiKey: string,
  filename: string,
  bytes: Buffer,
  onAnswer?: (text: string, status: number) => void,
): Promise<string> {
  const res = await fetch(`${httpApi}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ filename, contentType: 'video/mp4', size: bytes.length }),
  });
  const text = await res.text();
  onAnswer?.(text, res.status);
  if (res.status !== 201) throw new Error(`POST /uploads answered ${res.status}: ${text}`);
  const { jobId, upload } = JSON.parse(text) as { jobId: string; upload: { url: string; headers: Record<string, string> } };
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
  await put.arrayBuffer();
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
  return jobId;
}

export interface EventCollector {
  events: DownstreamEvent[];
  /** SQS redeliveries of a message already seen (not duplicates of the event). */
  redeliveries: number;
  stop(): Promise<void>;
}

/** `queue`: the URL, or a lookup run again after an error (a restarted stack may give new URLs). */
export function collectEvents(sqs: SQSClient, queue: string | (() => Promise<string>), onBody?: (body: string) => void): EventCollector {
  const events: DownstreamEvent[] = [];
  const seen = new Set<string>();
  const state = { running: true, redeliveries: 0 };
  let queueUrl: string | undefined = typeof queue === 'string' ? queue : undefined;
  const loop = (async () => {
    while (state.running) {
      try {
        queueUrl ??= await (queue as () => Promise<string>)();
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const m of Messages) {
          if (seen.has(m.MessageId!)) {
            state.redeliveries++;
            continue;
          }
          seen.add(m.MessageId!);
          events.push(JSON.parse(m.Body!) as DownstreamEvent);
          onBody?.(m.Body!);
        }
        if (Messages.length)
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
      } catch {
        // The queue's host is down (a killed stack) or busy: try again shortly.
        if (typeof queue !== 'string') queueUrl = undefined;
        if (state.running) await new Promise((r) => setTimeout(r, 300));
      }
    }
  })();
  return {
    events,
    get redeliveries() {
      return state.redeliveries;
    },
    async stop() {
      state.running = false;
      await loop;
    },
  };
}
