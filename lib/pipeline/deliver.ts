// One try of a signed HTTP delivery to one subscriber (deliver-event). A failed try sends the
// next link of the chain with exponential backoff and full jitter (waits over SQS's 900 s cap hop
// through the queue, as polls do) until EVENT_RETRY_WINDOW_S has passed since the first try;
// then the message fails and SQS moves it to the deliver DLQ, whose alarm tells the operator.
// Each try is a step of the job (claimed with a lease), so a duplicated message does not fork
// the chain; the subscriber still dedupes by webhook-id, which is the event id.
import { readSecret } from '../aws/secrets';
import { config, type Config, type SecretSetting } from '../config';
import { sendToSubscriber, SubscriberError } from '../events/webhook';
import { subscriberId, wants, type Subscriber } from '../events/subscribers';
import { jobs } from '../jobs';
import { delayPlan, enqueue, fullJitterS, type DeliverEvent, type RecordContext } from '../messages';
import { leaseFor } from './job-step';
import { STEPS } from './steps';

export class DeliveryGaveUp extends Error {
  override readonly name = 'DeliveryGaveUp';
}

/** The configured entry of a subscriber URL (a Map: the URL comes from a message). */
export function subscriberOf(url: string): Subscriber | undefined {
  return new Map(config().events.subscribers.map((s) => [s.url, s])).get(url);
}

/** A subscriber's own secret, or the shared EVENT_SIGNING_SECRET. */
export function secretOf(subscriber: Subscriber): SecretSetting {
  if (!subscriber.secret && !subscriber.secretParam) return config().events.signingSecret;
  return { value: subscriber.secret, param: subscriber.secretParam, name: `EVENT_SUBSCRIBERS secret of ${new URL(subscriber.url).origin}` };
}

export type NextTry = { message: DeliverEvent; delaySeconds: number } | undefined;

/** The link after a failed try, or undefined when the retry window is over (give up). */
export function nextTry(
  msg: DeliverEvent,
  retry: Config['events']['retry'],
  now = Date.now(),
  random: () => number = Math.random,
): NextTry {
  if (now - msg.firstAttemptAt >= retry.windowS * 1000) return undefined;
  const waitS = fullJitterS(msg.seq + 1, retry.baseDelayS, retry.maxDelayS, Math.min(1, retry.baseDelayS), random);
  const plan = delayPlan(waitS, now);
  return { message: { ...msg, seq: msg.seq + 1, dueAt: plan.dueAt }, delaySeconds: plan.delaySeconds };
}

/** Handles one deliver-event message. */
export async function deliverToSubscriber(msg: DeliverEvent, ctx: RecordContext, now = Date.now()): Promise<void> {
  const cfg = config();
  const where = new URL(msg.url).origin;
  const subscriber = subscriberOf(msg.url);
  if (!subscriber)
    return ctx.logger.warn('subscriber no longer configured; delivery dropped', { destination: where, eventId: msg.event.id });
  if (!wants(subscriber, msg.event))
    return ctx.logger.info('subscriber no longer takes this event type; delivery dropped', { destination: where, type: msg.event.type });
  if (msg.dueAt && msg.dueAt > now + 1000) {
    const plan = delayPlan((msg.dueAt - now) / 1000, now);
    await enqueue(cfg.queues.deliver, { ...msg, dueAt: plan.dueAt ? msg.dueAt : undefined }, plan.delaySeconds);
    return;
  }
  const step = STEPS.deliver(subscriberId(msg.url), msg.seq);
  const result = await jobs().runStep(
    msg.jobId,
    step.name,
    leaseFor(ctx.remainingMs()),
    async () => {
      try {
        await sendToSubscriber(msg.url, await readSecret(secretOf(subscriber)), msg.event, cfg.events.deliveryTimeoutMs);
        ctx.logger.info('event delivered to subscriber', { destination: where, eventId: msg.event.id, try: msg.seq + 1 });
      } catch (err) {
        if (!(err instanceof SubscriberError)) throw err;
        const next = nextTry(msg, cfg.events.retry, now);
        if (!next) {
          const hours = Math.round((now - msg.firstAttemptAt) / 360_000) / 10;
          throw new DeliveryGaveUp(
            `gave up delivering ${msg.event.id} to ${where} after ${msg.seq + 1} tries over ${hours} h: ${err.message}`,
          );
        }
        await enqueue(cfg.queues.deliver, next.message, next.delaySeconds);
        ctx.logger.warn('subscriber delivery failed; retrying', {
          destination: where,
          eventId: msg.event.id,
          try: msg.seq + 1,
          error: err.message,
          nextInS: next.delaySeconds,
          dueAt: next.message.dueAt,
        });
      }
    },
    step.supersedes,
  );
  if (result.ran) return;
  // A job past its TTL is gone with its step markers: nothing can dedupe this try any more.
  if (result.claim === 'missing') ctx.logger.warn('job no longer exists; delivery dropped', { destination: where, eventId: msg.event.id });
  else ctx.logger.info('duplicate delivery message dropped', { step: step.name, claim: result.claim });
}
