// Jobs that stopped moving: not terminal, and not updated since `before`. A Scan is enough for a
// table whose items expire after JOB_TTL_DAYS and that is swept hourly; a GSI on status would be
// the next step at a much larger scale.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients';
import { config } from '../config';
import { Expr } from './expr';
import { jobSchema, type Job } from './types';

/** Job states that can stall. */
const MOVING = ['QUEUED', 'UPLOADING', 'PROCESSING'];

/**
 * Moving jobs untouched since `before`, and reservations (AWAITING_UPLOAD) made before
 * `reservedBefore` — by then their upload URL has expired, so no upload can arrive any more.
 */
export async function* staleJobs(before: string, reservedBefore?: string): AsyncGenerator<Job> {
  const e = new Expr();
  const moving = `(${e.in('status', MOVING)} AND ${e.name('updatedAt')} < ${e.value(before)})`;
  const expired = reservedBefore ? ` OR (${e.name('status')} = ${e.value('AWAITING_UPLOAD')} AND ${e.name('updatedAt')} < ${e.value(reservedBefore)})` : '';
  const filter = `${e.name('kind')} = ${e.value('job')} AND (${moving}${expired})`;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({ TableName: config().jobsTable, FilterExpression: filter, ExclusiveStartKey: start, ...e.attributes }),
    );
    for (const item of page.Items ?? []) yield jobSchema.parse(item);
    start = page.LastEvaluatedKey;
  } while (start);
}
