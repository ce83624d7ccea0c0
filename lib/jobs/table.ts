// What every jobs-table module works on: a document client and the table name (injected, so the
// handlers, the CLI and tests all read the same table through the same code), plus the helpers
// every conditional write and every expiring item needs.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface JobTable {
  dynamo: DynamoDBDocumentClient;
  table: string;
}

export const nowIso = (): string => new Date().toISOString();

/** DynamoDB TTL: epoch seconds `days` from now. */
export const ttlAfterDays = (days: number, now = Date.now()): number => Math.floor(now / 1000) + days * 86_400;

/** Whole days (rounded up) that cover `seconds`, plus one day of slack. */
export const daysCovering = (seconds: number): number => Math.ceil(seconds / 86_400) + 1;

export const isConditionFailure = (err: unknown): boolean =>
  err instanceof ConditionalCheckFailedException || (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/**
 * A conditional job write whose refusal its caller acts on also sets `writeId`, fresh per write.
 * When the SDK retries a write that DynamoDB applied but whose answer was lost (a reset
 * connection, a 5xx), the retry fails its condition on that very write; the item still carries
 * the id (unless another conditional write came in the retry's ~100 ms), so the writer knows the
 * write as its own instead of dropping its step as another's.
 */
export const newWriteId = (): string => randomUUID();

/** Runs a conditional write; a failed condition is an answer (`undefined`), not an error. */
export async function conditional<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}
