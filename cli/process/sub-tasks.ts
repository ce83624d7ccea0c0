// Per-definition state of a VOD task (Transcode 20 ✓, Transcode 210 …) for progress displays —
// `vodflow process` and the console — read with GetTaskInfo on a budget. VOD (and the emulator)
// allows about 100 GetTaskInfo calls a minute per SecretId, and the pipeline's own polls and
// callback confirmations draw from the same quota: a display that asked every 250 ms spent it
// all, and a finished job then waited on throttled confirmations. So displays share one rate
// (READS_PER_MINUTE) and the task shown longest ago is read next; the others see their last state.
import * as z from 'zod';
import type { VodClient } from '../../lib/vod/client';

export interface SubTask {
  /** e.g. "Transcode 20", "CoverBySnapshot". */
  label: string;
  status: string;
}

export type SubTaskSource = (vodTaskId: string) => Promise<SubTask[]>;

/** A fifth of the documented quota: the pipeline keeps the rest. */
export const READS_PER_MINUTE = 20;
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

/** `read` behind the shared budget: at most `perMinute` reads a minute, stalest watched task first. */
export function budgeted(read: SubTaskSource, perMinute = READS_PER_MINUTE, now: () => number = Date.now): SubTaskSource {
  const intervalMs = 60_000 / perMinute;
  const watched = new Map<string, Watched>();
  let lastReadAt = Number.NEGATIVE_INFINITY;
  return async (vodTaskId) => {
    const t = now();
    for (const [id, w] of watched) if (t - w.askedAt > FORGET_MS) watched.delete(id);
    const mine = watched.get(vodTaskId) ?? { askedAt: t, readAt: Number.NEGATIVE_INFINITY, tasks: [] };
    mine.askedAt = t;
    watched.set(vodTaskId, mine);
    if (t - lastReadAt < intervalMs) return mine.tasks;
    let stalest = mine;
    for (const w of watched.values()) if (t - w.askedAt <= WATCHED_MS && w.readAt < stalest.readAt) stalest = w;
    if (stalest !== mine) return mine.tasks;
    lastReadAt = t;
    mine.readAt = t;
    mine.tasks = await read(vodTaskId);
    return mine.tasks;
  };
}
