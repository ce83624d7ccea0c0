// "What did this finished task produce?" from GetTaskInfo or an event body, normalised into the
// TaskOutcome carried by the task-finished message. Procedure failures prefer the specific
// processing code (e.g. -43001 from the seed table) over the generic 30009/30010 sub-task codes.
import type { TaskInfo } from '../vod/client';
import type { TaskOutcome } from './internal';

const GENERIC_SUBTASK_CODES = new Set([30009, 30010]);

interface ProcessTask {
  taskType: string;
  status: string;
  errCode?: number;
  message: string;
  output?: { imageUrl?: string; imageUrls?: string[]; imgInfo?: Array<{ timeOffset: number; url: string }> } | undefined;
}

interface ProcedureData {
  status?: string;
  errCode?: number;
  message: string;
  fileId?: string;
  metaData?: { duration?: number } | undefined;
  processTaskList: ProcessTask[];
}

interface PullData {
  status?: number;
  message: string;
  fileId?: string;
}

function pickFailure(candidates: Array<{ code?: number; message: string; subTask?: string }>): TaskOutcome | undefined {
  const failing = candidates.filter((c): c is { code: number; message: string; subTask?: string } => typeof c.code === 'number' && c.code !== 0);
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
  if (info.type === 'procedure' && info.data) return procedureOutcome(info.data as ProcedureData);
  if (info.type === 'pull' && info.data) return pullOutcome(info.data as PullData);
  return { ok: false, code: 30010, message: `task of type ${info.type} finished without the data vodflow expects` };
}

/** Share of finished sub-tasks of a running procedure, for job progress. */
export function procedureProgress(info: TaskInfo): number | undefined {
  if (info.type !== 'procedure' || !info.data) return undefined;
  const list = (info.data as ProcedureData).processTaskList;
  if (!list.length) return undefined;
  return list.filter((t) => t.status !== 'PROCESSING').length / list.length;
}
