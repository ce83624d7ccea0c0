// "What did this finished task produce?" from GetTaskInfo or an event body, normalised into the
// TaskOutcome a finished task is reported with. Procedure failures prefer the specific
// processing code (e.g. -43001 from the seed table) over the generic 30009/30010 sub-task codes.
import type * as z from 'zod';
import type { TaskOutcome } from '../../messages/internal';
import type { procedureStateChangedData, pullCompleteData, TaskInfo } from '../client';

type ProcedureData = z.output<typeof procedureStateChangedData>;
type PullData = z.output<typeof pullCompleteData>;
type ProcedureTaskInfo = Extract<TaskInfo, { type: 'procedure' }>;
type PullTaskInfo = Extract<TaskInfo, { type: 'pull' }>;
type Failure = Extract<TaskOutcome, { ok: false }>;

// The response schema refuses a known task type whose data does not match its schema, so the
// type names the shape.
const isProcedure = (info: TaskInfo): info is ProcedureTaskInfo => info.type === 'procedure';
const isPull = (info: TaskInfo): info is PullTaskInfo => info.type === 'pull';

const GENERIC_SUBTASK_CODES = new Set([30009, 30010]);

function pickFailure(candidates: Array<{ code?: number; message: string; subTask?: string }>): Failure | undefined {
  const failing = candidates.flatMap((c) => (typeof c.code === 'number' && c.code !== 0 ? [{ ...c, code: c.code }] : []));
  const best = failing.find((c) => !GENERIC_SUBTASK_CODES.has(c.code)) ?? failing[0];
  return best && { ok: false, code: best.code, message: best.message, subTask: best.subTask };
}

export function procedureOutcome(data: ProcedureData): TaskOutcome {
  const failedTasks = data.processTaskList.filter((t) => t.status === 'FAIL');
  const failure = pickFailure([
    ...failedTasks.map((t) => ({ code: t.errCode ?? 30010, message: t.message, subTask: t.taskType })),
    { code: data.errCode, message: data.message },
  ]);
  if (failure) return failure;
  const cover = data.processTaskList.find((t) => t.taskType === 'CoverBySnapshot')?.output?.imageUrl;
  const snapshots = data.processTaskList
    .filter((t) => t.taskType === 'SnapshotByTimeOffset')
    .flatMap((t) => t.output?.imgInfo ?? [])
    .map(({ timeOffset, url }) => ({ timeOffset, url }));
  return { ok: true, fileId: data.fileId, coverUrl: cover, snapshots, duration: data.metaData?.duration };
}

export function pullOutcome(data: PullData): TaskOutcome {
  const failure = pickFailure([{ code: data.status, message: data.message, subTask: 'PullFile' }]);
  if (failure) return failure;
  if (!data.fileId) return { ok: false, code: 30010, message: 'pull finished without a fileId', subTask: 'PullFile' };
  return { ok: true, fileId: data.fileId, snapshots: [] };
}

/** `undefined` while the task is still waiting or running. */
export function outcomeOfTask(info: TaskInfo): TaskOutcome | undefined {
  if (info.status !== 'FINISH') return undefined;
  if (isProcedure(info) && info.data) return procedureOutcome(info.data);
  if (isPull(info) && info.data) return pullOutcome(info.data);
  return { ok: false, code: 30010, message: `task of type ${info.type} finished without the data vodflow expects` };
}

/** Share of finished sub-tasks of a running procedure, for job progress. */
export function procedureShare(info: TaskInfo): number | undefined {
  if (!isProcedure(info) || !info.data) return undefined;
  const list = info.data.processTaskList;
  if (!list.length) return undefined;
  return list.filter((t) => t.status !== 'PROCESSING').length / list.length;
}
