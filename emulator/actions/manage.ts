// ModifyVodInfo and DeleteVodFile (reference §4.3).
import { rmSync } from 'node:fs';
import { ApiError } from '../protocol';
import { fileDir } from '../urls';
import { classExists, parseBeijing } from './classes';
import { fileArg } from './files';
import type { ActionHandler } from './types';

function parseExpire(v: string): number {
  const t = parseBeijing(v); // Beijing time, as the service read it
  if (t === undefined) throw new ApiError(4000, 'expireTime must be "Y-m-d H:i:s", e.g. 2017-10-01 00:00:00');
  return t;
}

export const modifyVodInfo: ActionHandler = (call) => {
  const { args } = call;
  const file = fileArg(call);
  const fileName = args.str('fileName', { max: 256 });
  const fileIntro = args.str('fileIntro', { max: 1024 });
  const classId = args.int('classId', { min: 0 });
  const expireTime = args.str('expireTime', { max: 32 });
  const expireTimeStamp = args.int('expireTimeStamp', { min: 0 });
  if (classId !== undefined && !classExists(call, classId)) throw new ApiError(1905, `class ${classId} not found`);
  if (fileName !== undefined) {
    if (fileName === '') throw new ApiError(4000, 'fileName must not be empty');
    file.name = fileName;
  }
  if (fileIntro !== undefined) file.description = fileIntro;
  if (classId !== undefined) file.classId = classId;
  if (expireTime) file.expireTime = parseExpire(expireTime);
  if (expireTimeStamp !== undefined) file.expireTime = expireTimeStamp;
  file.updateTime = Math.floor(Date.now() / 1000);
  call.ctx.store.save();
  return {};
};

export const deleteVodFile: ActionHandler = async (call) => {
  // Documented as required ("可填0", reference §4.3): parameters are checked before the lookup.
  call.args.requiredStr('fileId', { max: 64 });
  call.args.requiredInt('priority', { min: 0, max: 2 });
  const file = fileArg(call);
  const { ctx } = call;
  const { state } = ctx.store;
  delete state.files[file.fileId];
  state.deleted[file.fileId] = Math.floor(Date.now() / 1000);
  for (const [key, session] of Object.entries(state.uploads))
    if (session.appId === file.appId && session.fileSha === file.sha1) delete state.uploads[key];
  ctx.store.save();
  const dir = fileDir(ctx.store.mediaRoot, file.appId, file.fileId);
  rmSync(dir, { recursive: true, force: true });
  // Running tasks stop; their late writes into the folder are removed once they have settled.
  void ctx.runner
    .cancelFile(file.fileId)
    .then(() => rmSync(dir, { recursive: true, force: true }))
    .catch((err: unknown) => ctx.log('warn', `cleanup of ${file.fileId} failed: ${String(err)}`));
  ctx.events.emit(file.appId, 'FileDeleted', { status: 0, message: '', fileInfo: [{ fileId: file.fileId }] });
  return {};
};
