// The two fields a FIFO queue needs on every send. SQS takes 1–128 characters for each, only
// alphanumerics and ASCII punctuation (U+0021–U+007E); anything else is replaced by its SHA-256,
// which is as stable as the value itself, so a repeated send still carries the same id.
import { createHash } from 'node:crypto';

const ALLOWED = /^[\x21-\x7e]{1,128}$/;

/** A FIFO queue is one whose name (the last part of its URL) ends in `.fifo`: SQS requires it. */
export const isFifoQueue = (queueUrl: string): boolean => queueUrl.endsWith('.fifo');

/** `value` if SQS takes it as a MessageGroupId / MessageDeduplicationId, else a 71-character digest. */
export function fifoToken(value: string): string {
  return ALLOWED.test(value) ? value : `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/** MessageGroupId (one group per job: its messages in order) and MessageDeduplicationId. */
export const fifoFields = (groupId: string, deduplicationId: string) => ({
  MessageGroupId: fifoToken(groupId),
  MessageDeduplicationId: fifoToken(deduplicationId),
});
