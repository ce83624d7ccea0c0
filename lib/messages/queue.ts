// Sending and reading internal messages. Every message is validated on both sides: a malformed
// message fails the sender loudly instead of poisoning a queue.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../aws/sqs';
import { queueUrl } from '../aws/queues';
import { internalMessage, type InternalMessage } from './internal';
import { sqsJson } from './sqs-body';

/** SQS's per-message delay limit. */
export const MAX_DELAY_S = 900;

export async function enqueue(queue: string, message: InternalMessage, delaySeconds = 0): Promise<void> {
  const body = internalMessage.parse(message);
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: await queueUrl(queue),
      MessageBody: sqsJson(body),
      DelaySeconds: Math.max(0, Math.min(MAX_DELAY_S, Math.round(delaySeconds))),
      MessageAttributes: { jobId: { DataType: 'String', StringValue: body.jobId } },
    }),
  );
}

export class MessageError extends Error {
  override readonly name = 'MessageError';
}

/** Parses an SQS body against the one message type a queue carries. */
export function readMessage<T extends InternalMessage['type']>(body: string, type: T): Extract<InternalMessage, { type: T }> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MessageError('message body is not JSON');
  }
  const parsed = internalMessage.safeParse(json);
  if (!parsed.success)
    throw new MessageError(
      `not a valid internal message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  if (parsed.data.type !== type) throw new MessageError(`expected a ${type} message, got ${parsed.data.type}`);
  return parsed.data as Extract<InternalMessage, { type: T }>;
}
