// GetTaskInfo, GetTaskList, RedoTask (reference §4.6).
import { ApiError } from '../protocol';
import type { Task } from '../types';
import { render } from '../urls';
import type { ActionCall, ActionHandler } from './types';

function taskArg(call: ActionCall, notFound: number): Task {
  const id = call.args.requiredStr('vodTaskId', { max: 128 });
  const task = call.ctx.store.state.tasks[id];
  if (!task || task.appId !== call.account.appId) throw new ApiError(notFound, `task ${id} does not exist`);
  return task;
}

export const getTaskInfo: ActionHandler = (call) => {
  const task = taskArg(call, 70014);
  const out: Record<string, unknown> = {
    type: task.type,
    status: task.status,
    createTime: task.createTime,
    beginProcessTime: task.beginProcessTime,
    finishTime: task.finishTime,
  };
  // `data` is absent while WAITING; procedures show their sub-tasks while PROCESSING.
  if (task.data && (task.status === 'FINISH' || task.type === 'procedure')) {
    // Live procedure data also had dstUrl, userTaskId and userSubTaskId, strings (tcpicli
    // vod/GetTaskInfo.go, generated from a live answer); their meaning is not documented, so empty.
    const live = task.type === 'procedure' ? { dstUrl: '', userTaskId: '', userSubTaskId: '' } : {};
    out.data = render({ ...live, ...task.data }, call.ctx.baseUrl());
  }
  return out;
};

const STATUSES = ['WAITING', 'PROCESSING', 'FINISH', 'FINISHED'] as const;

export const getTaskList: ActionHandler = (call) => {
  const { args } = call;
  // Required by the EN (live) doc and tcpicli (reference §4.6).
  if (!args.has('status')) args.fail('missing parameter status (WAITING, PROCESSING or FINISH)');
  const wanted = args.oneOf('status', STATUSES);
  const status = wanted === 'FINISHED' ? 'FINISH' : wanted;
  const fileId = args.str('fileId', { max: 64 });
  const maxCount = args.int('maxCount', { min: 1, max: 100 }) ?? 10;
  const next = args.str('next', { max: 64 }) ?? '';
  const offset = next === '' ? 0 : Number.parseInt(Buffer.from(next, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError(4000, 'next is not a cursor this server issued');
  const matching = Object.values(call.ctx.store.state.tasks)
    .filter((t) => t.appId === call.account.appId)
    .filter((t) => status === undefined || t.status === status)
    .filter((t) => !fileId || t.fileId === fileId)
    .sort((a, b) => b.createTime - a.createTime || a.vodTaskId.localeCompare(b.vodTaskId));
  const page = matching.slice(offset, offset + maxCount);
  const more = offset + maxCount < matching.length;
  return {
    data: {
      status: status ?? '',
      next: more ? Buffer.from(String(offset + maxCount)).toString('base64url') : '',
      taskList: page.map((t) => ({
        vodTaskId: t.vodTaskId,
        type: t.type,
        createTime: t.createTime,
        beginProcessTime: t.beginProcessTime,
        finishTime: t.finishTime,
      })),
    },
  };
};

export const redoTask: ActionHandler = (call) => {
  const task = taskArg(call, 10026);
  if (task.status !== 'FINISH')
    throw new ApiError(10026, `task ${task.vodTaskId} is still ${task.status}: only finished tasks can be redone`);
  if (task.finishTime < Date.now() / 1000 - 72 * 3600) throw new ApiError(10026, 'only tasks finished in the last 72 hours can be redone');
  call.ctx.runner.redo(task);
  return {};
};
