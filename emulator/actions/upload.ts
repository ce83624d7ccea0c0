// Server upload on the data-upload API (reference §4.1.2): InitUpload, UploadPart (body = chunk),
// FinishUpload. Parameter problems answer -10003, body problems -10006, each with canRetry.
import { ApiError } from '../protocol';
import { finishedBefore, finishSession, initSession, PROTOCOL_ERROR, sessionOf, uploadError, writePartAsync } from '../uploads/session';
import { render } from '../urls';
import { urlOf } from '../tasks/common';
import { classExists } from './classes';
import { typeOf } from './pull';
import type { Args } from './args';
import type { ActionCall, ActionHandler } from './types';

const SHA1 = /^[0-9a-fA-F]{40}$/;
const MD5 = /^[0-9a-fA-F]{32}$/;

export function fileShaArg(args: Args): string {
  // The doc's UploadPart example spells it dataSha (reference §4.1.2).
  const sha = args.str('fileSha', { max: 64 }) ?? args.str('dataSha', { max: 64 });
  if (!sha) throw uploadError(PROTOCOL_ERROR, 'missing parameter fileSha');
  if (!SHA1.test(sha)) throw uploadError(PROTOCOL_ERROR, 'fileSha must be the SHA-1 of the file, 40 hex digits');
  return sha.toLowerCase();
}

export function partArgs(args: Args) {
  const offset = args.requiredInt('offset', { min: 0 });
  const dataSize = args.requiredInt('dataSize', { min: 1 });
  const dataMd5 = args.requiredStr('dataMd5', { max: 64 });
  if (!MD5.test(dataMd5)) throw uploadError(PROTOCOL_ERROR, 'dataMd5 must be the MD5 of the part, 32 hex digits');
  return { offset, dataSize, dataMd5 };
}

const withCanRetry = (result: Record<string, unknown>) => ({ canRetry: 0, ...result });

export const initUpload: ActionHandler = (call: ActionCall) => {
  const { args, ctx, account } = call;
  const fileSha = fileShaArg(args);
  const fileName = args.str('fileName', { max: 256 }) || args.str('name', { max: 256 });
  if (!fileName) throw uploadError(PROTOCOL_ERROR, 'missing parameter fileName');
  const fileType = (args.str('fileType', { max: 16 }) || typeOf(fileName)).toLowerCase();
  if (!/^[a-z0-9]{1,8}$/.test(fileType)) throw uploadError(PROTOCOL_ERROR, 'fileType must be an extension such as mp4');
  const classId = args.int('classId', { min: 0 }) ?? 0;
  if (!classExists(call, classId)) throw new ApiError(1905, `class ${classId} not found`, { canRetry: 0 });
  // vod-php-v4 sends tag.1…, the docs tags.n (reference §4.1.2).
  const tags = [...args.list('tags', 16), ...args.list('tag', 16)];
  const result = initSession(ctx, {
    appId: account.appId,
    fileSha,
    fileSize: args.requiredInt('fileSize', { min: 1 }),
    dataSize: args.requiredInt('dataSize', { min: 1 }),
    fileName,
    fileType,
    classId,
    tags,
    sourceType: 'ServerUpload',
    notifyMode: 'Finish',
    isTranscode: args.flag('isTranscode') ?? false,
    notifyUrl: args.str('notifyUrl', { max: 1024 }) || undefined,
  });
  return withCanRetry(result);
};

export const uploadPart: ActionHandler = async (call) => {
  const { args, ctx, account } = call;
  const session = sessionOf(ctx, account.appId, fileShaArg(args));
  if (session.sourceType !== 'ServerUpload')
    throw uploadError(PROTOCOL_ERROR, 'this upload was opened with a client upload signature: use UploadPartEx');
  await writePartAsync(ctx, session, partArgs(args), call.body);
  return withCanRetry({});
};

export const finishUpload: ActionHandler = async (call) => {
  const { args, ctx, account } = call;
  const fileSha = fileShaArg(args);
  const known = finishedBefore(ctx, account.appId, fileSha);
  if (known) return withCanRetry(known);
  const session = sessionOf(ctx, account.appId, fileSha);
  if (session.sourceType !== 'ServerUpload')
    throw uploadError(PROTOCOL_ERROR, 'this upload was opened with a client upload signature: use FinishUploadEx');
  const { file } = await finishSession(ctx, session);
  return withCanRetry({ fileId: file.fileId, url: render(urlOf(file, file.sourceName), ctx.baseUrl()) });
};
