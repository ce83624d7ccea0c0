// VOD 1.0-era file and task queries the 4.0 API kept (reference §4.2, §4.3, §4.6):
// DescribeVodPlayInfo (by name prefix), CreateVodTags / DeleteVodTags, TaskStatusStat and
// GetTaskListByFileId. Field types follow the live structs where tcpicli recorded them.
import { ApiError } from '../protocol';
import { coverUrlOf, playSetOf } from '../tasks/common';
import type { Task, VodFile } from '../types';
import { render } from '../urls';
import { fileArg } from './files';
import type { ActionCall, ActionHandler } from './types';

const filesOf = (call: ActionCall): VodFile[] => Object.values(call.ctx.store.state.files).filter((f) => f.appId === call.account.appId);
const tasksOf = (call: ActionCall): Task[] => Object.values(call.ctx.store.state.tasks).filter((t) => t.appId === call.account.appId);

/** DescribeVodInfo's status numbers (reference §4.2), as the strings DescribeVodPlayInfo returned. */
const statusOf = (f: VodFile): string => (f.status === 'normal' ? '2' : '-1');

/**
 * Live shape (tcpicli vod/DescribeVodPlayInfo.go): totalCount and duration are numbers,
 * status and playSet[].definition strings, the cover `imageUrl` (the doc example says image_url).
 */
export const describeVodPlayInfo: ActionHandler = (call) => {
  const { args } = call;
  const prefix = args.requiredStr('fileName', { max: 256 });
  const pageNo = args.int('pageNo', { min: 1 }) ?? 1;
  const pageSize = args.int('pageSize', { min: 1, max: 100 }) ?? 10;
  const matching = filesOf(call)
    .filter((f) => f.name.startsWith(prefix))
    .sort((a, b) => b.createTime - a.createTime || a.fileId.localeCompare(b.fileId));
  const fileSet = matching.slice((pageNo - 1) * pageSize, pageNo * pageSize).map((f) => ({
    fileId: f.fileId,
    fileName: f.name,
    duration: f.metaData ? Math.round(f.metaData.duration) : 0,
    status: statusOf(f),
    imageUrl: coverUrlOf(f),
    playSet: playSetOf(f).map((p) => ({ ...p, definition: String(p.definition) })),
  }));
  return { totalCount: matching.length, fileSet: render(fileSet, call.ctx.baseUrl()) };
};

// "每个标签长度不超过8个字符，只能包含中英文及数字" (reference §4.3).
const TAG = /^[\p{Script=Han}A-Za-z0-9]{1,8}$/u;
const MAX_TAGS = 100;

function tagsArg(call: ActionCall): string[] {
  const tags = call.args.list('tags', MAX_TAGS);
  if (!tags.length) throw new ApiError(4000, 'missing parameter tags.n (tags.1=…)');
  for (const t of tags)
    if (!TAG.test(t)) throw new ApiError(4000, `tag ${JSON.stringify(t.slice(0, 32))} must be 1–8 letters, digits or Chinese characters`);
  return tags;
}

export const createVodTags: ActionHandler = (call) => {
  const file = fileArg(call);
  const tags = tagsArg(call);
  const merged = [...new Set([...file.tags, ...tags])];
  if (merged.length > MAX_TAGS) throw new ApiError(4000, `a file has at most ${MAX_TAGS} tags`);
  file.tags = merged;
  file.updateTime = Math.floor(Date.now() / 1000);
  call.ctx.store.save();
  return {};
};

export const deleteVodTags: ActionHandler = (call) => {
  const file = fileArg(call);
  const doomed = new Set(tagsArg(call));
  file.tags = file.tags.filter((t) => !doomed.has(t));
  file.updateTime = Math.floor(Date.now() / 1000);
  call.ctx.store.save();
  return {};
};

/**
 * DescribeVodCover `fileId`, `type` (=1), `para` (a screenshot URL) sets the file's cover
 * (reference §4.3). The emulator can only show images it holds, so `para` must be one of this
 * file's snapshots, sample snapshots or sprites, as GetVideoInfo lists them.
 */
export const describeVodCover: ActionHandler = (call) => {
  const file = fileArg(call);
  const type = call.args.requiredInt('type', { min: 1, max: 1 });
  const para = call.args.requiredStr('para', { max: 2048 });
  let path: string;
  try {
    path = new URL(para).pathname;
  } catch {
    throw new ApiError(4000, "para must be the URL of one of the file's screenshots");
  }
  const prefix = `/vod${file.appId}/${file.fileId}/`;
  const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
  const images = new Set([
    ...file.snapshotsByTimeOffset.flatMap((s) => s.pics.map((p) => p.name)),
    ...file.sampleSnapshots.flatMap((s) => s.names),
    ...file.imageSprites.flatMap((s) => s.names),
  ]);
  if (type !== 1 || !images.has(name))
    throw new ApiError(
      4000,
      "para must be the URL of one of this file's screenshots (CreateSnapshotByTimeOffset, sampleSnapshot, imageSprite)",
    );
  file.coverName = name;
  file.updateTime = Math.floor(Date.now() / 1000);
  call.ctx.store.save();
  return {};
};

const STATUSES = ['WAITING', 'PROCESSING', 'FINISH'] as const;

/** `data[]` {status, totalCount} for each status, or the one asked (reference §4.6). */
export const taskStatusStat: ActionHandler = (call) => {
  const wanted = call.args.oneOf('status', [...STATUSES, 'FINISHED'] as const);
  const statuses = wanted === undefined ? STATUSES : [wanted === 'FINISHED' ? 'FINISH' : wanted];
  const tasks = tasksOf(call);
  return { data: statuses.map((status) => ({ status, totalCount: tasks.filter((t) => t.status === status).length })) };
};

/**
 * GetTaskListByFileId (reference §4.6, v: id 12926861900): the example's `procedureList` key,
 * status spelled Processing / Finish; a cursor `next` as GetTaskList's.
 */
export const getTaskListByFileId: ActionHandler = (call) => {
  const { args } = call;
  const fileId = args.requiredStr('fileId', { max: 64 });
  const order = args.oneOf('order', ['asc', 'desc'] as const) ?? 'desc';
  const size = args.int('size', { min: 10, max: 100 }) ?? 10;
  const startTime = args.int('startTime', { min: 0 }) ?? 0;
  const endTime = args.int('endTime', { min: 0 }) ?? Number.MAX_SAFE_INTEGER;
  const status = args.oneOf('status', ['Processing', 'Finish'] as const);
  const next = args.str('next', { max: 64 }) ?? '';
  const offset = next === '' ? 0 : Number.parseInt(Buffer.from(next, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError(4000, 'next is not a cursor this server issued');
  const matching = tasksOf(call)
    .filter((t) => t.fileId === fileId && t.createTime >= startTime && t.createTime <= endTime)
    .filter((t) => status === undefined || (status === 'Finish') === (t.status === 'FINISH'))
    .sort(
      (a, b) => (order === 'asc' ? a.createTime - b.createTime : b.createTime - a.createTime) || a.vodTaskId.localeCompare(b.vodTaskId),
    );
  const page = matching.slice(offset, offset + size);
  return {
    next: offset + size < matching.length ? Buffer.from(String(offset + size)).toString('base64url') : '',
    procedureList: page.map((t) => ({
      vodTaskId: t.vodTaskId,
      type: t.type,
      status: t.status === 'FINISH' ? 'Finish' : t.status === 'WAITING' ? 'Waiting' : 'Processing',
      createTime: t.createTime,
      updateTime: Math.max(t.createTime, t.beginProcessTime, t.finishTime),
    })),
  };
};
