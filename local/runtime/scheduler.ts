// Runs `schedule` events: EventBridge's "Scheduled Event" (or the declared `input`) delivered to
// the function on its rate or cron. `trigger` runs one now (tests, `vodflow dev`).
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { FunctionInvoker, InvocationResult } from './invoker';
import { parseScheduleExpression, type Schedule } from './schedule-expression';
import type { ScheduleSpec } from '../serverless/model';

export interface SchedulerOptions {
  region: string;
  accountId: string;
  /** Multiplies every interval (e.g. 0.01 makes rate(1 minute) fire every 0.6 s); cron ignores it. */
  timeScale?: number;
  log: (message: string) => void;
}

interface Entry {
  invoker: FunctionInvoker;
  spec: ScheduleSpec;
  ruleName: string;
  schedule: Schedule;
}

export class Scheduler {
  private readonly entries: Entry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;
  /** Ends the budget of the invocations still running at stop (see Invoker.invoke). */
  private readonly stopping = new AbortController();

  constructor(
    invokers: FunctionInvoker[],
    private readonly options: SchedulerOptions,
  ) {
    for (const invoker of invokers) {
      invoker.fn.schedules.forEach((spec, i) => {
        // Parse now so a bad expression fails the stack start.
        this.entries.push({
          invoker,
          spec,
          ruleName: spec.name ?? `${invoker.fn.name}-schedule-${i + 1}`,
          schedule: parseScheduleExpression(spec.expression),
        });
      });
    }
  }

  start(): void {
    for (const entry of this.entries) {
      if (!entry.spec.enabled) continue;
      if (entry.schedule.kind === 'rate') {
        const every = Math.max(10, entry.schedule.intervalMs * (this.options.timeScale ?? 1));
        this.timers.add(setInterval(() => this.fire(entry), every));
      } else this.everyMinute(entry, entry.schedule.matches);
    }
  }

  /** Names a schedule can be triggered by: function key, function name or rule name. */
  names(): string[] {
    return this.entries.flatMap((e) => [e.invoker.fn.key, e.ruleName]);
  }

  /** Invokes the matching schedule(s) now and returns their results. */
  async trigger(name: string): Promise<InvocationResult[]> {
    const matching = this.entries.filter((e) => e.invoker.fn.key === name || e.invoker.fn.name === name || e.ruleName === name);
    if (!matching.length) throw new Error(`no schedule named ${name} (known: ${this.names().join(', ') || 'none'})`);
    return Promise.all(matching.map((entry) => this.invoke(entry)));
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.allSettled([...this.running]);
  }

  /** Cron has minute resolution: wake at each minute boundary and test the expression. */
  private everyMinute(entry: Entry, matches: (date: Date) => boolean): void {
    const arm = () => {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (this.stopped) return;
          if (matches(new Date())) this.fire(entry);
          arm();
        },
        60_000 - (Date.now() % 60_000),
      );
      this.timers.add(timer);
    };
    arm();
  }

  private fire(entry: Entry): void {
    if (this.stopped) return;
    // A tick while every slot of the function is taken would only wait in line (pull-events loops
    // for its whole budget, far longer than its compressed rate): skip it, the next tick comes.
    if (entry.invoker.busy >= entry.invoker.concurrency) return;
    void this.invoke(entry);
  }

  private invoke(entry: Entry): Promise<InvocationResult> {
    const { region, accountId } = this.options;
    const event: ScheduledEvent | unknown =
      entry.spec.input !== undefined
        ? typeof entry.spec.input === 'string'
          ? JSON.parse(entry.spec.input)
          : entry.spec.input
        : ({
            version: '0',
            id: randomUUID(),
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: accountId,
            time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
            region,
            resources: [`arn:aws:events:${region}:${accountId}:rule/${entry.ruleName}`],
            detail: {},
          } satisfies ScheduledEvent);
    const call = entry.invoker.invoke(event, { stop: this.stopping.signal });
    this.running.add(call);
    void call.finally(() => this.running.delete(call));
    return call;
  }
}
