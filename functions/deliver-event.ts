// deliver-event: one signed HTTP delivery (Standard Webhooks) of a terminal event to one
// subscriber, retried with growing delay for EVENT_RETRY_WINDOW_S (24 h) before it dead-letters.
// Off the pipeline's critical path: the outbox only hands the event to the deliver queue.
import { config } from '../lib/config';
import { readMessage, sqsHandler } from '../lib/messages';
import { deliverToSubscriber } from '../lib/pipeline/deliver';

config();

export const handler = sqsHandler(
  (body) => readMessage(body, 'deliver-event'),
  (m) => m.jobId,
  (msg, ctx) => deliverToSubscriber(msg, ctx),
);
