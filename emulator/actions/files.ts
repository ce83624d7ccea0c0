// Looking up the caller's files by fileId.
import { ApiError } from '../protocol';
import type { VodFile } from '../types';
import type { ActionCall } from './types';

const FILE_ID = /^\d{1,24}$/;

export function fileById(call: ActionCall, fileId: string): VodFile {
  if (!FILE_ID.test(fileId)) throw new ApiError(4000, 'fileId must be a decimal string');
  const file = call.ctx.store.state.files[fileId];
  if (!file || file.appId !== call.account.appId) throw new ApiError(10008, `file ${fileId} does not exist`);
  return file;
}

export const fileArg = (call: ActionCall, name = 'fileId'): VodFile => fileById(call, call.args.requiredStr(name, { max: 64 }));

/** Processing needs a fully uploaded source (10009 otherwise, as ProcessFile documents). */
export function readyFileArg(call: ActionCall, name = 'fileId'): VodFile {
  const file = fileArg(call, name);
  if (file.status !== 'normal')
    throw new ApiError(
      10009,
      `file ${file.fileId} is not ready: its ${file.sourceType === 'Pull' ? 'pull' : 'upload'} has ${file.status === 'failed' ? 'failed' : 'not finished'}`,
    );
  return file;
}
