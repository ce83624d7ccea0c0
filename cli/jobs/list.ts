// `vodflow jobs list`: the jobs in the tracking table, newest update first. The table has no
// index by time, so this is the job store's paginated Scan with a bound on how many items it
// reads; sorting happens here.
import { createJobStore, JOB_STATUSES, type JobStatus } from '../../lib/jobs';
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
  status: JobStatus;
  attempts: number;
  createdAt?: string;
  updatedAt?: string;
  source?: string;
  fileId?: string;
  errorCode?: number | string;
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

export async function listJobs(target: JobsTarget, options: ListOptions): Promise<JobList> {
  const store = createJobStore({ dynamo: target.dynamo, table: target.table });
  const rows: JobRow[] = [];
  let unreadable = 0;
  const scan = store.scanJobs({ statuses: options.status ? [options.status] : undefined, maxItems: options.maxScan ?? DEFAULT_MAX_SCAN });
  let next = await scan.next();
  for (; !next.done; next = await scan.next()) {
    const { job } = next.value;
    if (!job) {
      unreadable += 1;
      continue;
    }
    rows.push({
      jobId: job.jobId,
      status: job.status,
      attempts: job.attempt,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      source: job.source?.key,
      fileId: job.fileId,
      errorCode: job.error?.code,
      progress: job.progress,
    });
  }
  // ISO-8601 UTC timestamps sort as strings; ties by id keep the output stable.
  rows.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') || a.jobId.localeCompare(b.jobId));
  return { rows: rows.slice(0, options.limit), matched: rows.length, truncated: next.value.truncated, unreadable };
}

export function renderJobList(list: JobList, options: Pick<ListOptions, 'status'> = {}): string {
  const what = options.status ? `${options.status} jobs` : 'jobs';
  // "1 job", "2 jobs": the count the line gives decides the noun.
  const counted = (n: number) => (n === 1 ? what.replace(/jobs$/, 'job') : what);
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
    list.rows.length < list.matched
      ? `${list.rows.length} of ${list.matched} ${what}, newest first (--limit N for more)`
      : `${list.matched} ${counted(list.matched)}, newest first`,
  ];
  if (list.truncated) notes.push('the scan stopped early: older items were not read');
  if (list.unreadable) notes.push(`${list.unreadable} unreadable item(s) skipped`);
  return `${table}\n\n${notes.join('; ')}\n`;
}
