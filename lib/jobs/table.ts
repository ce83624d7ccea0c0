// What every jobs-table module works on: a document client and the table name (injected, so the
// handlers, the CLI and tests all read the same table through the same code), plus the helpers
// every conditional write and every expiring item needs.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

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
 * A conditional job write whose refusal its caller acts on also records its own id, fresh per
 * write, under its purpose: `writes.<purpose>` (the step it claims or finishes, the state it moves
 * to, the item's creation). When the SDK retries a write that DynamoDB applied but whose answer was
 * lost (a reset connection, a 5xx), the retry fails its condition on that very write; the item
 * still carries the id, so the writer knows the write as its own instead of dropping its step as
 * another's. One slot per purpose, not per item: another handler's write on the same job inside
 * the retry's ~100 ms (a poll link's claim beside a classify) has a purpose of its own, and a
 * second write of the same purpose is refused by the conditions (the step's lease, a state left).
 */
export class WriteMark {
  readonly id = randomUUID();
  constructor(readonly purpose: string) {}

  /** The item field this write sets to its id. */
  get path(): string {
    return writePath(this.purpose);
  }

  /** Whether `item` carries this very write. */
  in(item: Record<string, unknown> | undefined): boolean {
    const writes = item?.writes;
    return (
      typeof writes === 'object' &&
      writes !== null &&
      Object.hasOwn(writes, this.purpose) &&
      (writes as Record<string, unknown>)[this.purpose] === this.id
    );
  }
}

export const writePath = (purpose: string): string => `writes.${purpose}`;

const isMissingWritesMap = (err: unknown): boolean =>
  (err as { name?: string } | null)?.name === 'ValidationException' && /document path/i.test((err as Error).message);

/**
 * Sends a job write that sets or removes a `writes.<purpose>` slot. A job item written before the
 * `writes` map existed (by an earlier vodflow, still in flight across a deploy) has no map for a
 * nested path, which DynamoDB refuses as invalid: the map is added once, then the write is sent again.
 */
export async function withWritesMap<T>(t: JobTable, jobId: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!isMissingWritesMap(err)) throw err;
    await conditional(() =>
      t.dynamo.send(
        new UpdateCommand({
          TableName: t.table,
          Key: { jobId },
          UpdateExpression: 'SET #w = if_not_exists(#w, :empty)',
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: { '#w': 'writes', '#id': 'jobId' },
          ExpressionAttributeValues: { ':empty': {} },
        }),
      ),
    );
    return send();
  }
}

/** Runs a conditional write; a failed condition is an answer (`undefined`), not an error. */
export async function conditional<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}
