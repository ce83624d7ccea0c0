// The live job list: while a page is connected, the jobs table is scanned (through `vodflow jobs
// list`'s code) about once a second and every change goes out as a server-sent event. Each status
// or attempt change seen is kept per job, so a job's page can show when it moved.
import type { ServerResponse } from 'node:http';
import { listJobs, type JobRow } from '../../cli/jobs/list';
import { findJob } from '../../cli/jobs/show';
import type { JobsTarget } from '../../cli/jobs/target';
import type { SubTask, SubTaskSource } from '../../cli/process/sub-tasks';

export interface Observed {
  status: string;
  attempt: number;
  /** When the console first saw the job in this status (its updatedAt when known). */
  at: string;
}

const SCAN_MS = 1000;
const HEARTBEAT_MS = 15_000;
export const LIST_LIMIT = 500;

export class JobWatch {
  private readonly clients = new Set<ServerResponse>();
  private readonly seen = new Map<string, Observed[]>();
  private timer: NodeJS.Timeout | undefined;
  private beat: NodeJS.Timeout | undefined;
  private last = '';
  private scanning: Promise<void> | undefined;

  constructor(
    private readonly target: JobsTarget,
    private readonly subTasks: SubTaskSource,
    private readonly log: (message: string) => void,
  ) {}

  /** Per-definition states of the jobs VOD is processing now (a few at a time locally). */
  private async withTasks(rows: JobRow[]): Promise<Array<JobRow & { tasks?: SubTask[] }>> {
    return Promise.all(
      rows.map(async (row) => {
        if (row.status !== 'PROCESSING') return row;
        const found = await findJob(this.target, row.jobId);
        const vodTaskId = found.found ? found.job?.vodTaskId : undefined;
        return vodTaskId ? { ...row, tasks: await this.subTasks(vodTaskId) } : row;
      }),
    );
  }

  /** What the console saw this job do (empty if it was not watching). */
  timeline(jobId: string): Observed[] {
    return this.seen.get(jobId) ?? [];
  }

  async list(): Promise<{ rows: JobRow[]; matched: number; truncated: boolean }> {
    const list = await listJobs(this.target, { limit: LIST_LIMIT });
    for (const row of list.rows) this.observe(row);
    return list;
  }

  private observe(row: JobRow): void {
    const history = this.seen.get(row.jobId) ?? [];
    const previous = history.at(-1);
    if (previous && previous.status === row.status && previous.attempt === row.attempts) return;
    history.push({ status: row.status, attempt: row.attempts, at: row.updatedAt ?? new Date().toISOString() });
    this.seen.set(row.jobId, history);
  }

  /** Holds `res` open as an event stream until the page goes away. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (!this.clients.size) this.stop();
    });
    if (this.last) res.write(this.last);
    this.start();
  }

  private start(): void {
    if (this.timer) return;
    const tick = () => {
      this.scanning = this.scan().finally(() => {
        this.scanning = undefined;
        if (this.clients.size) this.timer = setTimeout(tick, SCAN_MS);
      });
    };
    this.timer = setTimeout(tick, 0);
    this.beat = setInterval(() => {
      for (const client of this.clients) client.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
  }

  private stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.beat);
    this.timer = undefined;
    this.beat = undefined;
    this.last = '';
  }

  private async scan(): Promise<void> {
    try {
      const list = await this.list();
      const frame = `event: jobs\ndata: ${JSON.stringify({ rows: await this.withTasks(list.rows), matched: list.matched, truncated: list.truncated })}\n\n`;
      if (frame === this.last) return;
      this.last = frame;
      for (const client of this.clients) client.write(frame);
    } catch (error) {
      this.log(`[console] job scan: ${(error as Error).message}`);
      const frame = `event: problem\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`;
      for (const client of this.clients) client.write(frame);
    }
  }

  async close(): Promise<void> {
    this.stop();
    for (const client of this.clients) client.end();
    this.clients.clear();
    await this.scanning;
  }
}
