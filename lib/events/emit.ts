// Delivery of a downstream event to the events queue (the durable contract). HTTP subscribers are
// webhook.ts, kept apart so that only deliver-event bundles the signing library.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../aws/sqs';
import { queueUrl } from '../aws/queues';
import { fifoFields, isFifoQueue } from '../messages/fifo';
import { sqsJson } from '../messages/sqs-body';
import type { DownstreamEvent } from './contracts';

export const QUEUE_DESTINATION = 'sqs';

export async function sendToQueue(queue: string, event: DownstreamEvent): Promise<void> {
  const url = await queueUrl(queue);
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: url,
      // Object keys may hold characters SQS refuses: escaped, the body is the same JSON value.
      MessageBody: sqsJson(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: event.type },
        jobId: { DataType: 'String', StringValue: event.subject },
        eventId: { DataType: 'String', StringValue: event.id },
      },
      // The deployed events queue is FIFO: a send repeated after a crash between it and the
      // outbox's record carries the same event id, and SQS drops it (5-minute window).
      ...(isFifoQueue(url) ? fifoFields(event.subject, event.id) : {}),
    }),
  );
}
