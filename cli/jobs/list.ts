// `vodflow jobs list`: the jobs in the tracking table, newest update first. The table has no
// index by time, so this is a paginated Scan of the job items (TASK# lookup items are filtered
// out) with a bound on how many items it reads; sorting happens here.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { JOB_STATUSES, type JobStatus } from '../../lib/jobs/types';
import { ellipsize, printable, renderTable, shortTime } from './format';
import type { JobsTarget } from './target';

export interface ListOptions {
  status?: JobStatus;
  limit: number;
  /** Stop scanning after this many job items (a huge table would take minutes). */
  maxScan?: number;
}

export interface JobRow {
  jobId: string;
  status: string;
  attempts: number;
  createdAt?: string;
  updatedAt?: string;
  source?: string;
  fileId?: string;
  errorCode?: number;
  progress?: number;
}

export interface JobList {
  rows: JobRow[];
  /** Job items that matched (before the limit). */
  matched: number;
  /** The scan stopped at maxScan: older items were not read. */
  truncated: boolean;
  /** Items with the job marker that did not look like jobs. */
  unreadable: number;
}

export const DEFAULT_MAX_SCAN = 100_000;

/** A status name in any case, or undefined when it is not one of JOB_STATUSES. */
export function parseStatus(value: string): JobStatus | undefined {
  const upper = value.toUpperCase();
  return (JOB_STATUSES as readonly string[]).includes(upper) ? (upper as JobStatus) : undefined;
}

const rowItem = z.object({
  jobId: z.string(),
  status: z.string(),
  attempt: z.number().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  source: z.object({ bucket: z.string().optional(), key: z.string().optional() }).optional(),
  fileId: z.string().optional(),
  error: z.object({ code: z.number().optional() }).optional(),
  progress: z.number().optional(),
});

export async function listJobs(target: JobsTarget, options: ListOptions): Promise<JobList> {
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  const names: Record<string, string> = { '#kind': 'kind', '#jobId': 'jobId', '#status': 'status', '#attempt': 'attempt', '#createdAt': 'createdAt', '#updatedAt': 'updatedAt', '#source': 'source', '#fileId': 'fileId', '#error': 'error', '#progress': 'progress' };
  const values: Record<string, unknown> = { ':job': 'job' };
  let filter = '#kind = :job';
  if (options.status) {
    filter += ' AND #status = :status';
    values[':status'] = options.status;
  }
  const rows: JobRow[] = [];
  let unreadable = 0;
  let seen = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await target.dynamo.send(
      new ScanCommand({
        TableName: target.table,
        FilterExpression: filter,
        ProjectionExpression: '#jobId, #status, #attempt, #createdAt, #updatedAt, #source, #fileId, #error, #progress',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      seen += 1;
      const parsed = rowItem.safeParse(item);
      if (!parsed.success) {
        unreadable += 1;
        continue;
      }
      const j = parsed.data;
      rows.push({
        jobId: j.jobId,
        status: j.status,
        attempts: j.attempt ?? 1,
        createdAt: j.createdAt,
        updatedAt: j.updatedAt,
        source: j.source?.key,
        fileId: j.fileId,
        errorCode: j.error?.code,
        progress: j.progress,
      });
    }
    start = page.LastEvaluatedKey;
  } while (start && seen < maxScan);

  // ISO-8601 UTC timestamps sort as strings; ties by id keep the output stable.
  rows.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') || a.jobId.localeCompare(b.jobId));
  return { rows: rows.slice(0, options.limit), matched: rows.length, truncated: start !== undefined, unreadable };
}

export function renderJobList(list: JobList, options: Pick<ListOptions, 'status'> = {}): string {
  const what = options.status ? `${options.status} jobs` : 'jobs';
  if (list.matched === 0) return `no ${what}${list.truncated ? ' among the items scanned' : ''}\n`;
  const table = renderTable(
    ['JOB ID', 'STATUS', 'ATTEMPTS', 'UPDATED', 'SOURCE', 'FILE ID', 'ERROR'],
    list.rows.map((r) => [
      r.jobId,
      r.status === 'PROCESSING' || r.status === 'UPLOADING' ? `${r.status}${r.progress ? ` ${Math.round(r.progress)}%` : ''}` : r.status,
      String(r.attempts),
      shortTime(r.updatedAt),
      r.source ? ellipsize(printable(r.source), 48) : '-',
      r.fileId ?? '-',
      r.errorCode === undefined ? '-' : String(r.errorCode),
    ]),
  );
  const notes = [
    list.rows.length < list.matched ? `${list.rows.length} of ${list.matched} ${what}, newest first (--limit N for more)` : `${list.matched} ${what}, newest first`,
  ];
  if (list.truncated) notes.push('the scan stopped early: older items were not read');
  if (list.unreadable) notes.push(`${list.unreadable} unreadable item(s) skipped`);
  return `${table}\n\n${notes.join('; ')}\n`;
}
