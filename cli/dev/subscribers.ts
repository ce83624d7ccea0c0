// `--subscriber URL` of `vodflow dev` and `vodflow process`: the local stack POSTs each terminal
// event there, signed with Standard Webhooks headers, so a user can watch (and verify) the
// deliveries a deployed stack would make. Retries start after ~1 s locally instead of 30 s.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InvalidArgumentError } from 'commander';
import * as z from 'zod';

const subscriberUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://127.0.0.1:8080/hooks' });

/** Commander parser of a repeatable --subscriber. */
export function collectSubscriber(value: string, previous: string[] = []): string[] {
  const parsed = subscriberUrl.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message);
  return [...previous, parsed.data];
}

/** The handlers' environment for these subscribers (signed with the stack's EVENT_SIGNING_SECRET). */
export const subscriberEnv = (urls: readonly string[]): Record<string, string> =>
  urls.length ? { EVENT_SUBSCRIBERS: urls.join(','), EVENT_RETRY_BASE_DELAY_S: '1', EVENT_RETRY_MAX_DELAY_S: '60' } : {};

/** What the user needs to verify the deliveries. */
export const subscriberNote = (urls: readonly string[], secret: string): string =>
  urls.length
    ? `Signed events (Standard Webhooks) go to ${urls.join(', ')}\n  verify with the secret ${secret}\n  e.g. new Webhook(secret).verify(body, headers) from the standardwebhooks package\n`
    : '';

/**
 * Waits (at most `timeoutMs`) until each job's outbox has handed its event to every subscriber
 * and the deliver queue holds nothing: every delivery made or given up.
 */
export async function deliveriesSettled(
  sqs: SQSClient,
  queueUrl: string,
  handedOver: () => Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await handedOver())) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    const { Attributes: a = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const pending =
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
    if (!pending) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}
