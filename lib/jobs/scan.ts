// Reading many jobs at once: a paginated Scan of the job items (TASK# lookup items are filtered
// out). Enough for a table whose items expire after JOB_TTL_DAYS and that is swept hourly; a GSI
// on status would be the next step at a much larger scale.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Expr } from './expr';
import type { JobTable } from './table';
import { jobSchema, type Job, type JobStatus } from './types';

export interface ScanFilter {
  statuses?: readonly JobStatus[];
  /** Only jobs last updated before this ISO time. */
  updatedBefore?: string;
  /** Stop after this many job items (a huge table would take minutes). */
  maxItems?: number;
}

export type ScannedJob = { job: Job } | { job?: undefined; jobId: unknown; problem: string };

/** Every job item matching the filter, parsed; an item that is not a valid job comes back as a problem. */
export async function* scanJobs(t: JobTable, filter: ScanFilter = {}): AsyncGenerator<ScannedJob, { truncated: boolean }> {
  const e = new Expr();
  const where = [`${e.name('kind')} = ${e.value('job')}`];
  if (filter.statuses) where.push(e.in('status', filter.statuses));
  if (filter.updatedBefore) where.push(`${e.name('updatedAt')} < ${e.value(filter.updatedBefore)}`);
  let start: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const page = await t.dynamo.send(
      new ScanCommand({ TableName: t.table, FilterExpression: where.join(' AND '), ExclusiveStartKey: start, ...e.attributes }),
    );
    for (const item of page.Items ?? []) {
      seen += 1;
      const parsed = jobSchema.safeParse(item);
      if (parsed.success) yield { job: parsed.data };
      else yield { jobId: item.jobId, problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ') };
    }
    start = page.LastEvaluatedKey;
  } while (start && (filter.maxItems === undefined || seen < filter.maxItems));
  return { truncated: start !== undefined };
}

/** Job states that can stall. */
export const MOVING_STATUSES = ['QUEUED', 'UPLOADING', 'PROCESSING'] as const satisfies readonly JobStatus[];

/**
 * Moving jobs untouched since `before`, then reservations (AWAITING_UPLOAD) made before
 * `reservedBefore` — by then their upload URL has expired, so no upload can arrive any more.
 */
export async function* staleJobs(t: JobTable, before: string, reservedBefore?: string): AsyncGenerator<Job> {
  const scans: ScanFilter[] = [{ statuses: MOVING_STATUSES, updatedBefore: before }];
  if (reservedBefore) scans.push({ statuses: ['AWAITING_UPLOAD'], updatedBefore: reservedBefore });
  for (const filter of scans) {
    for await (const scanned of scanJobs(t, filter)) {
      if (scanned.job) yield scanned.job;
      else throw new Error(`job item ${String(scanned.jobId)} is not a valid job: ${scanned.problem}`);
    }
  }
}
