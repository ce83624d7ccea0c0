// The task queue: WAITING → PROCESSING → FINISH, persisted with the rest of the state. A task
// interrupted by a shutdown stays PROCESSING on disk and is run again at the next start (up to
// MAX_ATTEMPTS runs, then finished with 30010), so nothing stays PROCESSING forever.
import type { EmulatorContext } from '../context';
import type { EventType } from '../events/bus';
import type { Task, TaskType } from '../types';
import { failureOf, SYSTEM_FAILURE, TaskFailure } from './failure';

export interface TaskRun {
  ctx: EmulatorContext;
  task: Task;
  signal: AbortSignal;
  /** Persist the task record after changing it (data, fileId…). */
  save(): void;
  /** Throws TaskFailure when fault injection says this step fails now. */
  checkStep(taskType: string): void;
  /** Record the task's result and send its completion event (unless notifyMode is None). */
  finish(eventType: EventType, data: Record<string, unknown>): void;
}

export interface TaskExecutor {
  run(run: TaskRun): Promise<void>;
  /** Record a failure in the documented shape of this task type and emit its event. */
  fail(run: TaskRun, code: number, message: string): void;
}

const MAX_ATTEMPTS = 3;
export const FILE_DELETED = 'file-deleted';

export class TaskRunner {
  private readonly pending: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private closing = false;

  constructor(
    private readonly ctx: () => EmulatorContext,
    private readonly executors: Record<TaskType, TaskExecutor>,
    private readonly concurrency: number,
  ) {}

  private get tasks() {
    return this.ctx().store.state.tasks;
  }

  /** Resume what a previous run left unfinished. */
  start(): void {
    const unfinished = Object.values(this.tasks)
      .filter((t) => t.status !== 'FINISH')
      .sort((a, b) => a.createTime - b.createTime);
    for (const task of unfinished) {
      if (task.status === 'PROCESSING' && task.attempts >= MAX_ATTEMPTS) {
        this.finishWithFailure(task, SYSTEM_FAILURE, `interrupted ${task.attempts} times; given up`);
        continue;
      }
      task.status = 'WAITING';
      this.pending.push(task.vodTaskId);
    }
    this.ctx().store.save();
    this.pump();
  }

  submit(task: Task): void {
    this.tasks[task.vodTaskId] = task;
    this.ctx().store.save();
    this.pending.push(task.vodTaskId);
    this.pump();
  }

  /** RedoTask: same vodTaskId, results overwritten. */
  redo(task: Task): void {
    Object.assign(task, { status: 'WAITING', beginProcessTime: 0, finishTime: 0, attempts: 0, data: undefined });
    this.submit(task);
  }

  /** DeleteVodFile: tasks on the file stop; waiting ones finish at once with 10008. */
  cancelFile(fileId: string): Promise<void> {
    const settle: Promise<void>[] = [];
    for (const task of Object.values(this.tasks)) {
      if (task.fileId !== fileId || task.status === 'FINISH') continue;
      const running = this.running.get(task.vodTaskId);
      if (running) {
        running.controller.abort(FILE_DELETED);
        settle.push(running.done);
      } else {
        this.pending.splice(this.pending.indexOf(task.vodTaskId) >>> 0, 1);
        this.finishWithFailure(task, 10008, 'the file was deleted');
      }
    }
    return Promise.all(settle).then(() => undefined);
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.concurrency && this.pending.length) {
      const id = this.pending.shift()!;
      const task = this.tasks[id];
      if (!task || task.status !== 'WAITING') continue;
      this.launch(task);
    }
  }

  private runOf(task: Task, controller: AbortController): TaskRun {
    const ctx = this.ctx();
    return {
      ctx,
      task,
      signal: controller.signal,
      save: () => ctx.store.save(),
      checkStep: (taskType) => {
        const code = ctx.faults.stepFailure(taskType);
        if (code !== undefined) throw new TaskFailure(code, `injected failure of step ${taskType}`);
      },
      finish: (eventType, data) => {
        task.data = data;
        ctx.store.save();
        if (task.notifyMode !== 'None') ctx.events.emit(task.appId, eventType, structuredClone(data), task.notifyUrl);
      },
    };
  }

  private launch(task: Task): void {
    const controller = new AbortController();
    const ctx = this.ctx();
    task.status = 'PROCESSING';
    task.beginProcessTime = Math.floor(Date.now() / 1000);
    task.attempts++;
    ctx.store.save();
    const run = this.runOf(task, controller);
    const executor = this.executors[task.type];
    const done = (async () => {
      try {
        await executor.run(run);
        if (controller.signal.reason === FILE_DELETED) throw new TaskFailure(10008, 'the file was deleted');
      } catch (err) {
        // Shutdown: leave it PROCESSING on disk; the next start runs it again.
        if (this.closing) return;
        const failure = controller.signal.reason === FILE_DELETED ? { code: 10008, message: 'the file was deleted' } : failureOf(err);
        if (failure.code === SYSTEM_FAILURE)
          ctx.log('error', `task ${task.vodTaskId} failed unexpectedly`, { error: String((err as Error)?.stack ?? err) });
        try {
          executor.fail(run, failure.code, failure.message);
        } catch (inner) {
          ctx.log('error', `recording the failure of ${task.vodTaskId} failed`, { error: String(inner) });
          task.data = { status: failure.code, errCode: failure.code, message: failure.message, vodTaskId: task.vodTaskId };
        }
      }
      task.status = 'FINISH';
      task.finishTime = Math.floor(Date.now() / 1000);
      ctx.store.save();
    })().finally(() => {
      this.running.delete(task.vodTaskId);
      this.pump();
    });
    this.running.set(task.vodTaskId, { controller, done });
  }

  private finishWithFailure(task: Task, code: number, message: string): void {
    const run = this.runOf(task, new AbortController());
    try {
      this.executors[task.type].fail(run, code, message);
    } catch {
      task.data = { status: code, errCode: code, message, vodTaskId: task.vodTaskId };
    }
    task.status = 'FINISH';
    const now = Math.floor(Date.now() / 1000);
    task.beginProcessTime ||= now;
    task.finishTime = now;
    this.ctx().store.save();
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = { WAITING: 0, PROCESSING: 0, FINISH: 0 };
    for (const t of Object.values(this.tasks)) out[t.status] = (out[t.status] ?? 0) + 1;
    return out;
  }

  /** Stop everything; running tasks are aborted and stay resumable. */
  async close(): Promise<void> {
    this.closing = true;
    for (const { controller } of this.running.values()) controller.abort('shutdown');
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }
}
