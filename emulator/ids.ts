// Identifier shapes seen in the documentation's examples (reference §4.8).
import { randomBytes, randomInt } from 'node:crypto';
import type { TaskType } from './types';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** fileId: a decimal string of 19 digits, like `14508071098244959037` (never starts with 0). */
export function newFileId(exists: (id: string) => boolean): string {
  for (;;) {
    const id = `${randomInt(1, 10)}${String(Date.now()).slice(-12)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!exists(id)) return id;
  }
}

const TASK_PREFIX: Record<TaskType, (appId: number) => string> = {
  procedure: (appId) => `${appId}-Procedure-`,
  transcode: () => 'transcode-',
  pull: () => 'pull-',
  clip: () => 'clipVideo-',
  concat: () => 'concat-',
  snapshotByTimeOffset: () => 'CreateSnapshotByTimeOffset-',
  imageSprite: () => 'CreateImageSprite-',
};

export const newVodTaskId = (type: TaskType, appId: number): string => `${TASK_PREFIX[type](appId)}${hex(16)}`;

export const newMsgHandle = (): string => hex(20);
