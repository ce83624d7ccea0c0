// Delivery of a downstream event to an HTTP subscriber, signed with Standard Webhooks headers
// (webhook-id = the event id, so a subscriber dedupes redeliveries exactly like a queue consumer).
import { Webhook } from 'standardwebhooks';
import type { DownstreamEvent } from './contracts';

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
