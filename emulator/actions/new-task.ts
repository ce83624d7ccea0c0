// Creating and queueing a task record.
import { newVodTaskId } from '../ids';
import type { NotifyMode, Task, TaskInput, TaskType } from '../types';
import type { ActionCall } from './types';

export function startTask(
  call: ActionCall,
  type: TaskType,
  fileId: string | undefined,
  input: TaskInput,
  notifyMode: NotifyMode = 'Finish',
  notifyUrl?: string,
): Task {
  const task: Task = {
    vodTaskId: newVodTaskId(type, call.account.appId),
    appId: call.account.appId,
    type,
    status: 'WAITING',
    fileId,
    input,
    notifyMode,
    notifyUrl: notifyUrl || undefined,
    createTime: Math.floor(Date.now() / 1000),
    beginProcessTime: 0,
    finishTime: 0,
    attempts: 0,
  };
  call.ctx.runner.submit(task);
  return task;
}
