// The terminal event is written into the job by the same conditional write that makes the job
// terminal (the outbox); delivery happens afterwards, one destination at a time, each a step
// claimed with a lease: two deliveries racing for one job (a poll and a callback both reported the
// task) send it once. A crash between the write and a delivery leaves the event pending, and the
// redelivered message finishes the delivery — never a second, different event. (A crash between
// the send and its record can still repeat the same event: consumers drop repeats by `id`.)
import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { readSecret } from '../aws/secrets';
import { config } from '../config';
import { QUEUE_DESTINATION, sendToQueue, sendToSubscriber } from '../events/emit';
import { jobs, type Job } from '../jobs';
import { STEPS } from './steps';

export function pendingDestinations(job: Job): string[] {
  const delivered = new Set(job.eventDeliveredTo ?? []);
  return [QUEUE_DESTINATION, ...config().events.subscribers].filter((d) => !delivered.has(d));
}

/** A destination as a step name: the queue, or a short hash of a subscriber URL (no dots). */
const stepOf = (destination: string) =>
  STEPS.event(destination === QUEUE_DESTINATION ? 'queue' : createHash('sha256').update(destination).digest('hex').slice(0, 16));

/**
 * Delivers the job's outbox event where it is still missing; throws if any delivery failed.
 * `leaseMs` covers the caller's remaining time: a delivery in progress elsewhere is left to it.
 */
export async function deliverPending(job: Job, logger: Logger, leaseMs: number): Promise<number> {
  const { event } = job;
  if (!event) return 0;
  const cfg = config();
  const failures: string[] = [];
  let delivered = 0;
  for (const destination of pendingDestinations(job)) {
    const where = destination === QUEUE_DESTINATION ? 'events-queue' : new URL(destination).origin;
    try {
      const step = await jobs().runStep(job.jobId, stepOf(destination).name, leaseMs, async () => {
        if (destination === QUEUE_DESTINATION) await sendToQueue(cfg.queues.events, event);
        else await sendToSubscriber(destination, await readSecret(cfg.events.signingSecret), event, cfg.events.deliveryTimeoutMs);
        await jobs().markEventDelivered(job.jobId, destination);
      });
      if (!step.ran) {
        logger.info('downstream event already delivered or being delivered by another invocation', { eventId: event.id, destination: where, step: step.claim });
        continue;
      }
      delivered++;
      logger.info('downstream event delivered', { eventId: event.id, type: event.type, destination: where });
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (failures.length) throw new Error(`downstream event ${event.id} not delivered everywhere: ${failures.join('; ')}`);
  return delivered;
}
