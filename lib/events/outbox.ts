// The terminal event is written into the job by the same conditional write that makes the job
// terminal (the outbox); delivery happens afterwards, one destination at a time, each recorded.
// A crash between the write and a delivery leaves the event pending, and the redelivered
// message finishes the delivery — never a second, different event.
import type { Logger } from '@aws-lambda-powertools/logger';
import { readSecret } from '../aws/secrets';
import { config } from '../config';
import { markEventDelivered } from '../jobs/store';
import type { Job } from '../jobs/types';
import { downstreamEvent } from './contracts';
import { QUEUE_DESTINATION, sendToQueue, sendToSubscriber } from './emit';

export function pendingDestinations(job: Job): string[] {
  const delivered = new Set(job.eventDeliveredTo ?? []);
  return [QUEUE_DESTINATION, ...config().events.subscribers].filter((d) => !delivered.has(d));
}

/** Delivers the job's outbox event where it is still missing; throws if any delivery failed. */
export async function deliverPending(job: Job, logger: Logger): Promise<number> {
  if (!job.event) return 0;
  const event = downstreamEvent.parse(job.event);
  const cfg = config();
  const failures: string[] = [];
  let delivered = 0;
  for (const destination of pendingDestinations(job)) {
    try {
      if (destination === QUEUE_DESTINATION) await sendToQueue(cfg.queues.events, event);
      else await sendToSubscriber(destination, await readSecret(cfg.events.signingSecret), event, cfg.events.deliveryTimeoutMs);
      await markEventDelivered(job.jobId, destination);
      delivered++;
      logger.info('downstream event delivered', { eventId: event.id, type: event.type, destination: destination === QUEUE_DESTINATION ? 'events-queue' : new URL(destination).origin });
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (failures.length) throw new Error(`downstream event ${event.id} not delivered everywhere: ${failures.join('; ')}`);
  return delivered;
}
