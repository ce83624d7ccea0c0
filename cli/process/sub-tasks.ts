// Per-definition state of a VOD task (Transcode 20 ✓, Transcode 210 …) for progress displays —
// `vodflow process` and the console — read with GetTaskInfo on a budget. VOD (and the emulator)
// allows about 100 GetTaskInfo calls a minute per SecretId, and the pipeline's own polls and
// callback confirmations draw from the same quota: a display that asked every 250 ms spent it
// all, and a finished job then waited on throttled confirmations. So displays share one rate
// (READS_PER_MINUTE, with a small burst for a page opened now) and the task shown longest ago is
// read next; the others see their last state.
import * as z from 'zod';
import type { VodClient } from '../../lib/vod/client';

export interface SubTask {
  /** e.g. "Transcode 20", "CoverBySnapshot". */
  label: string;
  status: string;
}

export interface SubTaskQuery {
  /** The caller knows the task has finished (its job is terminal): a state read earlier is stale. */
  finished?: boolean;
}

export type SubTaskSource = (vodTaskId: string, query?: SubTaskQuery) => Promise<SubTask[]>;

/** Rows in these states can still change; any other state is the sub-task's last. */
const RUNNING = new Set(['WAITING', 'PROCESSING']);
const settled = (tasks: SubTask[]) => tasks.length > 0 && tasks.every((t) => !RUNNING.has(t.status));

/** A fifth of the documented quota: the pipeline keeps the rest. */
export const READS_PER_MINUTE = 20;
/** Reads that may go at once after a quiet spell (a job page opened while a list is watched). */
export const BURST = 4;
/** One task is read again at most this often, so a lone watched task leaves the burst for others. */
export const TASK_REFRESH_MS = 5_000;
/** A task counts as being watched while it was asked about this recently. */
const WATCHED_MS = 2_000;
/** A task nobody asked about for this long is forgotten. */
const FORGET_MS = 5 * 60_000;

const subTasksSchema = z.looseObject({
  status: z.string(),
  data: z
    .looseObject({
      processTaskList: z
        .array(
          z.looseObject({
            taskType: z.string(),
            status: z.string(),
            input: z.looseObject({ definition: z.unknown().optional() }).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** One GetTaskInfo, as display rows; empty when the answer is unusable (a display never fails). */
export async function fetchSubTasks(vod: VodClient, vodTaskId: string): Promise<SubTask[]> {
  try {
    const info = subTasksSchema.parse(await vod.getTaskInfo({ vodTaskId }, { retry: { maxAttempts: 1 } }));
    return (info.data?.processTaskList ?? []).map((task) => ({
      label: task.input?.definition === undefined ? task.taskType : `${task.taskType} ${String(task.input.definition)}`,
      status: task.status.toUpperCase(),
    }));
  } catch {
    return [];
  }
}

interface Watched {
  askedAt: number;
  readAt: number;
  tasks: SubTask[];
}

/** `read` behind the shared budget (a token bucket): stalest watched task first. */
export function budgeted(
  read: (vodTaskId: string) => Promise<SubTask[]>,
  perMinute = READS_PER_MINUTE,
  now: () => number = Date.now,
): SubTaskSource {
  const refillMs = 60_000 / perMinute;
  const watched = new Map<string, Watched>();
  let tokens = BURST;
  let refilledAt = now();
  return async (vodTaskId, query = {}) => {
    const t = now();
    tokens = Math.min(BURST, tokens + (t - refilledAt) / refillMs);
    refilledAt = t;
    for (const [id, w] of watched) if (t - w.askedAt > FORGET_MS) watched.delete(id);
    const mine = watched.get(vodTaskId) ?? { askedAt: t, readAt: Number.NEGATIVE_INFINITY, tasks: [] };
    mine.askedAt = t;
    watched.set(vodTaskId, mine);
    // A settled state is final; a running one is refreshed every TASK_REFRESH_MS, or once its job is known finished.
    if (settled(mine.tasks)) return mine.tasks;
    if (tokens < 1 || (t - mine.readAt < TASK_REFRESH_MS && !query.finished)) return mine.tasks;
    let stalest = mine;
    for (const w of watched.values()) if (t - w.askedAt <= WATCHED_MS && w.readAt < stalest.readAt) stalest = w;
    if (stalest !== mine) return mine.tasks;
    tokens -= 1;
    mine.readAt = t;
    mine.tasks = await read(vodTaskId);
    return mine.tasks;
  };
}
