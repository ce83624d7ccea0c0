// Delivery of a downstream event: the events queue (the durable contract) and optional HTTP
// subscribers, each request signed with Standard Webhooks headers (webhook-id = the event id,
// so a subscriber dedupes redeliveries exactly like a queue consumer does).
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { sqs } from '../aws/clients';
import { queueUrl } from '../aws/queues';
import { sqsJson } from '../messages/sqs-body';
import type { DownstreamEvent } from './contracts';

export const QUEUE_DESTINATION = 'sqs';

export async function sendToQueue(queue: string, event: DownstreamEvent): Promise<void> {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: await queueUrl(queue),
      // Object keys may hold characters SQS refuses: escaped, the body is the same JSON value.
      MessageBody: sqsJson(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: event.type },
        jobId: { DataType: 'String', StringValue: event.subject },
        eventId: { DataType: 'String', StringValue: event.id },
      },
    }),
  );
}

/** The Standard Webhooks headers for one delivery of `body`. */
export function signedHeaders(secret: string, event: DownstreamEvent, body: string, now = new Date()): Record<string, string> {
  const signature = new Webhook(secret).sign(event.id, now, body);
  return {
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

export class SubscriberError extends Error {
  override readonly name = 'SubscriberError';
}

/** POSTs the event; any non-2xx answer or a timeout is an error (the outbox retries it). */
export async function sendToSubscriber(url: string, secret: string, event: DownstreamEvent, timeoutMs: number): Promise<void> {
  const body = JSON.stringify(event);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(secret, event, body) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new SubscriberError(`subscriber ${new URL(url).origin} unreachable: ${(err as Error).message}`);
  }
  await res.body?.cancel().catch(() => undefined);
  if (!res.ok) throw new SubscriberError(`subscriber ${new URL(url).origin} answered HTTP ${res.status}`);
}
