// Reading the downstream events queue the way a consumer would, keeping SQS's SentTimestamp: the
// moment the event reached the queue, whatever the delay of this reader.
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../local';

export interface SeenEvent {
  id: string;
  type: string;
  subject: string;
  /** ms since epoch, when the event was enqueued. */
  sentAt: number;
}

// One reader: parallel long polls on one fauxqs queue are all woken by each message, and all but
// one come back empty (CPU the measured stack would pay for); a batch of 10 keeps up at 200/s.
// `gatherMs`: after a batch of fewer than 10, wait this long before the next receive, so that the
// reader's receive + delete pair carries 10 events rather than one or two — the reader is not the
// system under test, and latency is taken from SentTimestamp, so its pace does not change it.
export function drainEvents(sqs: SQSClient, queueUrl: string, onEvent: (event: SeenEvent) => void, gatherMs = 0) {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const { Messages = [] } = await sqs
        .send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 30,
            MessageSystemAttributeNames: ['SentTimestamp'],
          }),
        )
        .catch(() => ({ Messages: [] }));
      for (const m of Messages) {
        const body = JSON.parse(m.Body ?? '{}') as { id?: string; type?: string; subject?: string };
        onEvent({
          id: body.id ?? '',
          type: body.type ?? '',
          subject: body.subject ?? '',
          sentAt: Number(m.Attributes?.SentTimestamp ?? Date.now()),
        });
      }
      if (Messages.length) {
        await sqs
          .send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          )
          .catch(() => undefined);
      }
      if (gatherMs && Messages.length < 10 && !stopped) await new Promise((r) => setTimeout(r, gatherMs));
    }
  };
  const reading = loop();
  return {
    async stop() {
      stopped = true;
      await reading;
    },
  };
}

/** Messages left in every dead-letter queue of the stack (should be 0). */
export async function deadLetters(sqs: SQSClient, stack: LocalStack): Promise<number> {
  let n = 0;
  for (const q of Object.values(stack.queues)) {
    if (!/-dlq(\.fifo)?$/.test(q.name)) continue; // the events DLQ is FIFO
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: q.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    n += Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return n;
}

export const until = async (check: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
};
