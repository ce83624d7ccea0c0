// The terminal event is written into the job by the same conditional write that makes the job
// terminal (the outbox) — or, for a failure decided from its message alone, the event's parts,
// which the record's other fields complete on every read (lib/jobs/types). It leaves afterwards,
// one destination at a time, each a step claimed with a lease: two deliveries racing for one job
// (a poll and a callback both reported the task) send it once. Destinations are the events queue and one deliver-queue message per HTTP
// subscriber that takes the event's type: the signed POST and its retries (deliver-event) stay
// off the pipeline's critical path. A crash between the write and a send leaves the event
// pending, and the redelivered message finishes the job — never a second, different event. A
// crash between the send and its record sends the same event again: the events queue is FIFO
// with the event id as deduplication id, and the retry comes well inside SQS's 5-minute
// deduplication window — on the queue's own visibility timeout where that is short (180 s), after
// the lease (OUTBOX_LEASE_MS + 5 s) where the record's visibility is first shortened to it — so
// its consumers get it once. (Subscribers may get a repeat, with the same webhook-id:
// at-least-once, as Standard Webhooks has it.)
import type { Logger } from '@aws-lambda-powertools/logger';
import { config } from '../config';
import type { DownstreamEvent } from '../events/contracts';
import { QUEUE_DESTINATION, sendToQueue } from '../events/emit';
import { subscriberId, wants } from '../events/subscribers';
import { jobs, type Job, type StepCompletion } from '../jobs';
import { enqueue } from '../messages';
import { STEPS } from './steps';

/** Where an event goes: the queue, and subscribers whose filter takes it. */
function destinationsOf(event: Pick<DownstreamEvent, 'type'>): string[] {
  const subscribers = config()
    .events.subscribers.filter((s) => wants(s, event))
    .map((s) => s.url);
  return [QUEUE_DESTINATION, ...subscribers];
}

/** Where the job's event still has to go: the queue, and subscribers whose filter takes it. */
export function pendingDestinations(job: Job): string[] {
  const delivered = new Set(job.eventDeliveredTo ?? []);
  return (job.event ? destinationsOf(job.event) : [QUEUE_DESTINATION]).filter((d) => !delivered.has(d));
}

/** A destination as a step name: the queue, or a short hash of a subscriber URL (no dots). */
const stepOf = (destination: string) => STEPS.event(destination === QUEUE_DESTINATION ? 'queue' : subscriberId(destination));

/** The first link of a subscriber's delivery chain (deliver-event sends it, and retries). */
async function handToSubscriber(job: Job, url: string, event: DownstreamEvent): Promise<void> {
  await enqueue(config().queues.deliver, {
    v: 1,
    type: 'deliver-event',
    jobId: job.jobId,
    attempt: job.attempt,
    url,
    event,
    seq: 0,
    firstAttemptAt: Date.now(),
  });
}

/**
 * How long one destination's delivery is leased. A send takes milliseconds; a short lease lets the
 * retry after a crash come soon (a live holder slower than this is harmless: the FIFO queue drops
 * the second send, and subscribers dedupe by webhook-id).
 */
export const OUTBOX_LEASE_MS = 30_000;

/** What the outbox needs of the SQS record it runs for (lib/messages RecordContext). */
export interface OutboxContext {
  logger: Logger;
  remainingMs: () => number;
  setVisibility: (seconds: number) => Promise<void>;
  /** The name of the queue the record came from (its visibility timeout is in the config). */
  queue: string;
  /** ms the invocation had left when this record's handling began. */
  budgetMs: number;
}

/** The events queue's deduplication window (SQS FIFO: 5 minutes from the first send). */
const DEDUPLICATION_WINDOW_S = 300;

/**
 * Whether the record of an invocation that dies mid-delivery comes back, on its queue's own
 * visibility timeout, both after every delivery lease it held (else its retry would find a step
 * busy and drop it) and soon enough that a repeated send stays inside the deduplication window. A
 * lease is taken by the deadline at the latest and lasts at most OUTBOX_LEASE_MS; the deadline is
 * at most `budgetMs` after the record's handling began, and 15 s more cover the hand-over from
 * the receive (a cold start's init included). The repeat comes within the timeout plus the
 * redelivery's run to its send, given a minute. A queue whose timeout is not configured
 * (QUEUE_VISIBILITY_TIMEOUTS): no. A redelivery that fails before its send comes back after the
 * timeout again: past the window, its consumers drop the copy by event id.
 */
export const returnsInTime = (visibilityS: number | undefined, budgetMs: number): boolean =>
  visibilityS !== undefined && visibilityS * 1000 >= budgetMs + OUTBOX_LEASE_MS + 15_000 && visibilityS + 60 <= DEDUPLICATION_WINDOW_S;

/** The delivery lease: the invocation's remaining time plus a margin, at most OUTBOX_LEASE_MS. */
export const outboxLeaseMs = (remainingMs: number): number => Math.min(OUTBOX_LEASE_MS, Math.max(5_000, remainingMs + 5_000));

/**
 * The delivery leases of a new terminal event, for the terminal write itself to take (its
 * winner then delivers at once, without a claim per destination; a loser's write took nothing).
 */
export function deliveryLeases(
  event: Pick<DownstreamEvent, 'type'>,
  remainingMs: number,
): { leases: Record<string, number>; held: ReadonlySet<string> } {
  const until = Date.now() + outboxLeaseMs(remainingMs);
  const destinations = destinationsOf(event);
  return { leases: Object.fromEntries(destinations.map((d) => [stepOf(d).name, until])), held: new Set(destinations) };
}

/**
 * Delivers the job's outbox event where it is still missing; throws if any delivery failed.
 * A delivery in progress elsewhere (a live lease) is left to its holder; `held` are the
 * destinations whose lease this invocation took with the terminal write (deliveryLeases).
 */
export async function deliverPending(job: Job, ctx: OutboxContext, held: ReadonlySet<string> = new Set()): Promise<number> {
  const { event } = job;
  if (!event) return 0;
  const { logger } = ctx;
  const pending = pendingDestinations(job);
  if (!pending.length) return 0;
  const leaseMs = outboxLeaseMs(ctx.remainingMs());
  const cfg = config();
  /** The record back right after the lease ends, not after the queue's visibility timeout. */
  const shorten = (when: string) =>
    ctx
      .setVisibility(Math.ceil(leaseMs / 1000) + 5)
      .catch((err: Error) => logger.warn(`could not shorten the record's visibility ${when}`, { error: err.message }));
  // Where the queue's own timeout would be too late (the upload queue's 5,400 s), the record of a
  // death mid-delivery must come back after the lease instead, so that a repeated send falls
  // inside the events queue's 5-minute deduplication window.
  const shortened = !returnsInTime(cfg.queueVisibilityS.get(ctx.queue), ctx.budgetMs);
  if (shortened) await shorten('before the event delivery');
  const failures: string[] = [];
  let delivered = 0;
  for (const destination of pending) {
    const where = destination === QUEUE_DESTINATION ? 'events-queue' : new URL(destination).origin;
    // One write after the send records the destination and ends the delivery step.
    const deliver = async (completion: StepCompletion) => {
      if (destination === QUEUE_DESTINATION) await sendToQueue(cfg.queues.events, event);
      else await handToSubscriber(job, destination, event);
      await jobs().markEventDelivered(job.jobId, destination, completion);
    };
    const step = stepOf(destination).name;
    try {
      if (held.has(destination)) await jobs().runHeldStep(job.jobId, step, deliver);
      else {
        const run = await jobs().runStep(job.jobId, step, leaseMs, (_job, completion) => deliver(completion));
        if (!run.ran) {
          logger.info('downstream event already delivered or being delivered by another invocation', {
            eventId: event.id,
            destination: where,
            step: run.claim,
          });
          continue;
        }
      }
      delivered++;
      logger.info(destination === QUEUE_DESTINATION ? 'downstream event delivered' : 'downstream event handed to the deliver queue', {
        eventId: event.id,
        type: event.type,
        destination: where,
      });
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (failures.length) {
    // A failed send is tried again soon, not after the queue's visibility timeout.
    if (!shortened) await shorten('after a failed delivery');
    throw new Error(`downstream event ${event.id} not delivered everywhere: ${failures.join('; ')}`);
  }
  return delivered;
}
