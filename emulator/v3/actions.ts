// The 2018-07-17 actions the pipeline (and Tencent's SDK) call, over the shared store, media
// engine, task runner and event queue. Where a v2 action does the same work, its handler runs with
// the request translated to v2 parameters, so both versions share every rule it enforces.
import { basename } from 'node:path';
import type { FlatParams } from '../../lib/vod/params';
import { Args } from '../actions/args';
import { classNameOf, describeAllClass as describeAllClassV2 } from '../actions/classes';
import { multiPullVodFile } from '../actions/pull';
import { processFile } from '../actions/processing';
import type { ActionCall } from '../actions/types';
import { ApiError } from '../protocol';
import type { Task } from '../types';
import { arr, int, obj, str, type Body, type V3Call, type V3Handler } from './args';
import { fromV2Error, V3Error } from './codes';
import { applyUpload, commitUpload } from './storage';
import { eventContentV3, mediaInfoV3, taskDetailV3 } from './translate';

/** Run a v2 handler on translated params; its errors become 3.0 codes. */
async function viaV2(
  call: V3Call,
  handler: (c: ActionCall) => unknown,
  params: FlatParams,
  notFound?: string,
  definitionError = false,
): Promise<Record<string, unknown>> {
  try {
    return (await handler({ ...call, args: new Args(params) })) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (definitionError && /definition|template/i.test(err.message)) throw new V3Error('InvalidParameterValue.Definition', err.message);
    throw fromV2Error(err, notFound);
  }
}

const taskOf = (call: V3Call, id: string): Task | undefined => {
  const { tasks } = call.ctx.store.state;
  const task = Object.hasOwn(tasks, id) ? tasks[id] : undefined;
  return task && task.appId === call.account.appId ? task : undefined;
};

// ---- actions -----------------------------------------------------------------------------
const pullUpload: V3Handler = async (call) => {
  const url = str(call.body3, 'MediaUrl', { required: true })!;
  let fallbackName = 'media';
  try {
    fallbackName = basename(new URL(url).pathname) || fallbackName;
  } catch {
    throw new V3Error('InvalidParameterValue.MediaUrl', 'MediaUrl is not a URL');
  }
  const name = str(call.body3, 'MediaName', { max: 256 }) ?? fallbackName;
  const type = str(call.body3, 'MediaType', { max: 16 });
  const params: FlatParams = { 'pullset.0.url': url, 'pullset.0.fileName': type && !name.includes('.') ? `${name}.${type}` : name };
  const classId = int(call.body3, 'ClassId');
  if (classId !== undefined) params['pullset.0.classId'] = String(classId);
  const res = await viaV2(call, multiPullVodFile, params);
  const item = (res.data as Array<{ vod_task_id: string }>)[0]!;
  return { TaskId: item.vod_task_id };
};

const processMedia: V3Handler = async (call) => {
  const fileId = str(call.body3, 'FileId', { max: 64 });
  if (!fileId) throw new V3Error('MissingParameter', 'missing parameter FileId (MediaStoragePath apps are not emulated)');
  const task = obj(Object.hasOwn(call.body3, 'MediaProcessTask') ? call.body3.MediaProcessTask : undefined, 'MediaProcessTask');
  const params: FlatParams = { fileId };
  arr(task, 'TranscodeTaskSet', 20).forEach((t, i) => {
    const d = int(obj(t, `TranscodeTaskSet.${i}`), 'Definition');
    if (d === undefined) throw new V3Error('MissingParameter', `missing parameter MediaProcessTask.TranscodeTaskSet.${i}.Definition`);
    params[`transcode.definition.${i}`] = String(d);
  });
  const [cover] = arr(task, 'CoverBySnapshotTaskSet', 1);
  if (cover !== undefined) {
    const c = obj(cover, 'CoverBySnapshotTaskSet.0');
    params['coverBySnapshot.definition'] = String(int(c, 'Definition') ?? '');
    params['coverBySnapshot.positionType'] = str(c, 'PositionType') ?? 'Time';
    const v = Object.hasOwn(c, 'PositionValue') ? c.PositionValue : 0;
    if (typeof v !== 'number') throw new V3Error('InvalidParameter', 'CoverBySnapshotTaskSet.0.PositionValue must be a number');
    params['coverBySnapshot.position'] = String(Math.round(v));
  }
  const [shot] = arr(task, 'SnapshotByTimeOffsetTaskSet', 1);
  if (shot !== undefined) {
    const sh = obj(shot, 'SnapshotByTimeOffsetTaskSet.0');
    params['snapshotByTimeOffset.definition'] = String(int(sh, 'Definition') ?? '');
    const ext = arr(sh, 'ExtTimeOffsetSet', 100).map((v) => {
      const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(v) : null;
      if (!m)
        throw new V3Error(
          'InvalidParameterValue',
          `ExtTimeOffsetSet item ${JSON.stringify(v)} is not "<seconds>s" (percent offsets are not emulated)`,
        );
      return Math.round(Number(m[1]) * 1000);
    });
    const ms = ext.length ? ext : arr(sh, 'TimeOffsetSet', 100).map((v) => Math.round(Number(v)));
    ms.forEach((v, i) => (params[`snapshotByTimeOffset.timeOffset.${i}`] = String(v)));
  }
  const mode = str(call.body3, 'TasksNotifyMode');
  if (mode) params.notifyMode = mode;
  const res = await viaV2(call, processFile, params, 'InvalidParameterValue.FileId', true);
  return { TaskId: res.vodTaskId };
};

const describeTaskDetail: V3Handler = (call) => {
  const id = str(call.body3, 'TaskId', { required: true, max: 128 })!;
  const task = taskOf(call, id);
  if (!task) throw new V3Error('InvalidParameterValue.TaskId', `task ${id} does not exist`);
  return taskDetailV3(task, call.ctx.baseUrl());
};

const describeMediaInfos: V3Handler = (call) => {
  const ids = arr(call.body3, 'FileIds', 20);
  if (!ids.length) throw new V3Error('InvalidParameterValue.FileIdsEmpty', 'FileIds is empty');
  const { files } = call.ctx.store.state;
  const found: Body[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    if (typeof id !== 'string') throw new V3Error('InvalidParameter', 'FileIds must be strings');
    const file = Object.hasOwn(files, id) ? files[id] : undefined;
    if (!file || file.appId !== call.account.appId) missing.push(id);
    else found.push(mediaInfoV3(file, classNameOf(call, file.classId), call.ctx.baseUrl()));
  }
  return { MediaInfoSet: found, NotExistFileIdSet: missing };
};

const pullEvents: V3Handler = async (call) => {
  const { ctx } = call;
  const events = await ctx.events.queue.pull(call.account.appId, ctx.settings.pullEventHoldMs, call.signal);
  const EventSet = events.map((e) => {
    // One queued as 3.0 EventContent (queueEvent) goes out as it is.
    if (typeof e.eventContent.EventType === 'string') return { ...e.eventContent, EventHandle: e.msgHandle };
    const content = e.eventContent as { eventType: string; data: Body };
    const id = typeof content.data?.vodTaskId === 'string' ? content.data.vodTaskId : undefined;
    return {
      EventHandle: e.msgHandle,
      ...eventContentV3(content.eventType, content.data ?? {}, id ? taskOf(call, id) : undefined, ctx.baseUrl()),
    };
  });
  return { EventSet };
};

const confirmEvents: V3Handler = (call) => {
  const handles = arr(call.body3, 'EventHandles', 16);
  if (!handles.length) throw new V3Error('MissingParameter', 'missing parameter EventHandles');
  if (handles.some((h) => typeof h !== 'string')) throw new V3Error('InvalidParameter', 'EventHandles must be strings');
  call.ctx.events.queue.confirm(call.account.appId, handles as string[]);
  return {};
};

const describeAllClass: V3Handler = async (call) => {
  type Node = { info: { id: number; parent_id: number; name: string; level: number }; subclass: Node[] };
  const tree = (await viaV2(call, describeAllClassV2, {})).data as Node[];
  const set: Body[] = [
    { ClassId: 0, ParentId: -1, Name: classNameOf(call, 0), Level: 0, SubClassIdSet: [], ClassName: classNameOf(call, 0) },
  ];
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      set.push({
        ClassId: n.info.id,
        ParentId: n.info.parent_id,
        Name: n.info.name,
        Level: n.info.level,
        SubClassIdSet: n.subclass.map((c) => c.info.id),
        ClassName: n.info.name,
      });
      walk(n.subclass);
    }
  };
  walk(tree);
  return { ClassInfoSet: set };
};

export const V3_ACTIONS: ReadonlyMap<string, V3Handler> = new Map<string, V3Handler>([
  ['PullUpload', pullUpload],
  ['ApplyUpload', applyUpload],
  ['CommitUpload', commitUpload],
  ['ProcessMedia', processMedia],
  ['DescribeTaskDetail', describeTaskDetail],
  ['DescribeMediaInfos', describeMediaInfos],
  ['PullEvents', pullEvents],
  ['ConfirmEvents', confirmEvents],
  ['DescribeAllClass', describeAllClass],
]);
