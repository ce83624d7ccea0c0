// API 3.0 task results → the pipeline's TaskOutcome (the same one v2 produces, so downstream does
// not care). Sub-task failures carry ErrCodeExt (doc 266/50368); ErrCode is deprecated there and
// only read when ErrCodeExt is empty. Task-level ErrCode 40000/60000/70000 name a class (§6.2).
import type { TaskOutcome } from '../../messages/internal';
import { V3_TASK_ERRCODES } from '../errors/v3';
import type { MediaProcessResult, ProcedureTask, PullUploadTask, TaskDetail } from '../v3/schemas';
import type { TaskView } from './types';

const SUB_TASKS = [
  'TranscodeTask',
  'CoverBySnapshotTask',
  'SnapshotByTimeOffsetTask',
  'SampleSnapshotTask',
  'AdaptiveDynamicStreamingTask',
] as const;

/**
 * The code of a failure: ErrCodeExt, else the class its ErrCode names. An ErrCode the documents do
 * not list keeps its number as `ErrCode.<n>` (an unknown 3.0 code): bare, the number would be read
 * as an API 2.0 code, and InternalError would claim a meaning VOD did not give.
 */
const codeOf = (errCodeExt: string | undefined, errCode: number | undefined): string =>
  errCodeExt ||
  (errCode !== undefined && (V3_TASK_ERRCODES.get(errCode) ?? (errCode !== 0 ? `ErrCode.${errCode}` : undefined))) ||
  'InternalError';

/** A finished sub-task failed unless it says SUCCESS with no error code (ABORTED, ERROR… fail too). */
const subTaskFailed = (t: { Status: string; ErrCodeExt?: string; ErrCode?: number }): boolean =>
  t.Status !== 'SUCCESS' || Boolean(t.ErrCodeExt) || Boolean(t.ErrCode);

function subTaskOf(r: MediaProcessResult) {
  for (const name of SUB_TASKS) {
    const t = r[name];
    if (t) return t;
  }
  return undefined;
}

export function procedureOutcomeV3(task: ProcedureTask): TaskOutcome {
  const failures = task.MediaProcessResultSet.flatMap((r) => {
    const t = subTaskOf(r);
    return t && subTaskFailed(t)
      ? [{ ok: false as const, code: codeOf(t.ErrCodeExt, t.ErrCode), message: t.Message || `sub-task ${t.Status}`, subTask: r.Type }]
      : [];
  });
  // A specific code beats the generic InternalError, as v2 prefers -4xxxx over 30009/30010.
  const failure = failures.find((f) => f.code !== 'InternalError') ?? failures[0];
  if (failure) return failure;
  if (task.ErrCode) return { ok: false, code: codeOf(undefined, task.ErrCode), message: task.Message ?? '' };
  const cover = task.MediaProcessResultSet.find((r) => r.Type === 'CoverBySnapshot')?.CoverBySnapshotTask?.Output?.CoverUrl ?? undefined;
  const snapshots = task.MediaProcessResultSet.filter((r) => r.Type === 'SnapshotByTimeOffset').flatMap((r) =>
    (r.SnapshotByTimeOffsetTask?.Output?.PicInfoSet ?? []).map((p) => ({ timeOffset: p.TimeOffset, url: p.Url })),
  );
  return { ok: true, fileId: task.FileId, coverUrl: cover, snapshots, duration: task.MetaData?.Duration };
}

export function pullOutcomeV3(task: PullUploadTask): TaskOutcome {
  if (task.ErrCode) return { ok: false, code: codeOf(undefined, task.ErrCode), message: task.Message ?? '', subTask: 'PullUpload' };
  if (!task.FileId) return { ok: false, code: 'InternalError', message: 'pull finished without a FileId', subTask: 'PullUpload' };
  return { ok: true, fileId: task.FileId, snapshots: [] };
}

export function taskViewV3(detail: TaskDetail): TaskView {
  const procedure = detail.ProcedureTask;
  const progress =
    procedure && procedure.MediaProcessResultSet.length
      ? procedure.MediaProcessResultSet.filter((r) => subTaskOf(r)?.Status !== 'PROCESSING').length / procedure.MediaProcessResultSet.length
      : undefined;
  if (detail.Status === 'WAITING' || detail.Status === 'PROCESSING') return { status: detail.Status, finished: false, progress };
  if (detail.Status === 'ABORTED')
    return { status: detail.Status, finished: true, outcome: { ok: false, code: 'FailedOperation', message: 'the task was aborted' } };
  if (detail.Status !== 'FINISH') {
    // Not a documented state: VOD says the task is neither waiting nor running, so it is over.
    const message = `VOD reports the task as ${JSON.stringify(detail.Status)}, a status vodflow does not know`;
    return { status: detail.Status, finished: true, outcome: { ok: false, code: 'FailedOperation', message } };
  }
  if (detail.TaskType === 'Procedure' && procedure)
    return { status: detail.Status, finished: true, outcome: procedureOutcomeV3(procedure) };
  if (detail.TaskType === 'PullUpload' && detail.PullUploadTask)
    return { status: detail.Status, finished: true, outcome: pullOutcomeV3(detail.PullUploadTask) };
  return {
    status: detail.Status,
    finished: true,
    outcome: { ok: false, code: 'InternalError', message: `task of type ${detail.TaskType} finished without the data vodflow expects` },
  };
}
