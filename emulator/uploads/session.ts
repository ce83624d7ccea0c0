// Chunked upload sessions (reference §4.1.2–4.1.3), shared by the server upload
// (InitUpload/UploadPart/FinishUpload) and the client upload (…Ex, signature-based).
// A session is keyed by (appId, fileSha); parts are written in place into one file, so an
// interrupted upload resumes with listParts (code 1), and a known file finishes at once (code 2).
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, openSync, closeSync, writeSync, renameSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorContext } from '../context';
import { newFileId, newVodTaskId } from '../ids';
import { ApiError } from '../protocol';
import { dirOf, newVodFile, now, probeInBackground, urlOf } from '../tasks/common';
import type { Task, UploadSession, VodFile } from '../types';
import { render } from '../urls';

/** Upload-host errors carry canRetry (reference §3.4). */
export const uploadError = (code: number, message: string, canRetry = false) => new ApiError(code, message, { canRetry: canRetry ? 1 : 0 });
export const PROTOCOL_ERROR = -10003;
export const BODY_ERROR = -10006;

export const sessionKey = (appId: number, fileSha: string) => `${appId}:${fileSha}`;
const dataPath = (ctx: EmulatorContext, s: UploadSession) => join(ctx.store.uploadRoot, `${s.appId}-${s.fileSha}.bin`);

export function existingFile(ctx: EmulatorContext, appId: number, fileSha: string): VodFile | undefined {
  return Object.values(ctx.store.state.files).find((f) => f.appId === appId && f.sha1 === fileSha && f.status === 'normal');
}

export type InitResult = Record<string, unknown>;

export function initSession(ctx: EmulatorContext, fields: Omit<UploadSession, 'key' | 'parts' | 'createTime'>): InitResult {
  const { limits } = ctx.settings;
  if (fields.fileSize < 1 || fields.fileSize > limits.maxFileBytes) throw uploadError(PROTOCOL_ERROR, `fileSize must be 1…${limits.maxFileBytes}`);
  if (fields.dataSize < limits.minDataSize || fields.dataSize > limits.maxDataSize) {
    throw uploadError(PROTOCOL_ERROR, `dataSize must be ${limits.minDataSize}…${limits.maxDataSize}`);
  }
  const done = existingFile(ctx, fields.appId, fields.fileSha);
  if (done) return { code: 2, fileId: done.fileId, url: render(urlOf(done, done.sourceName), ctx.baseUrl()) };
  const key = sessionKey(fields.appId, fields.fileSha);
  const { uploads } = ctx.store.state;
  const current = uploads[key];
  if (current && current.fileSize === fields.fileSize && Object.keys(current.parts).length) {
    // The session's dataSize wins from now on (reference §4.1.2).
    const listParts = Object.values(current.parts).sort((a, b) => a.offset - b.offset);
    return { code: 1, dataSize: current.dataSize, listParts };
  }
  uploads[key] = { ...fields, key, parts: {}, createTime: now() };
  ctx.store.save();
  return { code: 0 };
}

export function sessionOf(ctx: EmulatorContext, appId: number, fileSha: string): UploadSession {
  const s = ctx.store.state.uploads[sessionKey(appId, fileSha)];
  if (!s) throw uploadError(PROTOCOL_ERROR, `no upload in progress for fileSha ${fileSha}: call InitUpload first`);
  return s;
}

export function writePart(ctx: EmulatorContext, s: UploadSession, part: { offset: number; dataSize: number; dataMd5: string }, body: Buffer): void {
  const { offset, dataSize, dataMd5 } = part;
  if (offset % s.dataSize !== 0) throw uploadError(PROTOCOL_ERROR, `offset ${offset} is not a multiple of dataSize ${s.dataSize}`);
  if (offset >= s.fileSize) throw uploadError(PROTOCOL_ERROR, `offset ${offset} is beyond fileSize ${s.fileSize}`);
  const expected = Math.min(s.dataSize, s.fileSize - offset);
  if (dataSize !== expected) throw uploadError(PROTOCOL_ERROR, `the part at ${offset} must have dataSize ${expected}`);
  if (body.length !== dataSize) throw uploadError(BODY_ERROR, `the body has ${body.length} bytes, dataSize says ${dataSize}`, true);
  const md5 = createHash('md5').update(body).digest('hex');
  if (md5 !== dataMd5.toLowerCase()) throw uploadError(BODY_ERROR, `the body's MD5 ${md5} differs from dataMd5`, true);
  mkdirSync(ctx.store.uploadRoot, { recursive: true });
  const path = dataPath(ctx, s);
  const fd = openSync(path, existsSync(path) ? 'r+' : 'w');
  try {
    writeSync(fd, body, 0, body.length, offset);
  } finally {
    closeSync(fd);
  }
  s.parts[String(offset)] = { offset, dataSize, dataMd5: md5 };
  ctx.store.save();
}

async function sha1Of(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** FinishUpload calls in progress, per emulator. */
const finishingByCtx = new WeakMap<EmulatorContext, Set<string>>();

export interface Finished {
  file: VodFile;
  procedureTask?: Task;
  transcodeTask?: Task;
}

/** Assemble, check SHA-1, create the file, emit NewFileUpload, start the requested processing. */
export async function finishSession(ctx: EmulatorContext, s: UploadSession): Promise<Finished> {
  let finishing = finishingByCtx.get(ctx);
  if (!finishing) finishingByCtx.set(ctx, (finishing = new Set()));
  if (finishing.has(s.key)) throw uploadError(PROTOCOL_ERROR, 'FinishUpload is already running for this file', true);
  finishing.add(s.key);
  try {
    const missing: number[] = [];
    for (let offset = 0; offset < s.fileSize; offset += s.dataSize) if (!s.parts[String(offset)]) missing.push(offset);
    if (missing.length) throw uploadError(PROTOCOL_ERROR, `parts missing at offsets ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
    const path = dataPath(ctx, s);
    const sha1 = await sha1Of(path);
    if (sha1 !== s.fileSha) {
      // The assembled bytes are not the announced file: start over.
      delete ctx.store.state.uploads[s.key];
      ctx.store.save();
      rmSync(path, { force: true });
      throw uploadError(BODY_ERROR, `the assembled file's SHA-1 ${sha1} differs from fileSha ${s.fileSha}; upload again`);
    }
    const { state } = ctx.store;
    const fileId = newFileId((id) => id in state.files || id in state.deleted);
    const file = newVodFile({
      fileId,
      appId: s.appId,
      name: s.fileName,
      type: s.fileType,
      sourceType: s.sourceType,
      sourceName: `f0.${s.fileType}`,
      status: 'normal',
      size: s.fileSize,
      sha1,
      classId: s.classId,
      tags: s.tags,
    });
    renameSync(path, join(dirOf(ctx, file), file.sourceName));
    state.files[fileId] = file;
    delete state.uploads[s.key];
    ctx.store.save();
    const result: Finished = { file };
    const task = (type: 'procedure' | 'transcode', input: Task['input']): Task => {
      const t: Task = { vodTaskId: newVodTaskId(type, s.appId), appId: s.appId, type, status: 'WAITING', fileId, input, notifyMode: s.notifyMode, createTime: now(), beginProcessTime: 0, finishTime: 0, attempts: 0 };
      ctx.runner.submit(t);
      return t;
    };
    if (s.procedure) result.procedureTask = task('procedure', { kind: 'procedure', procedure: s.procedure });
    else if (s.isTranscode) result.transcodeTask = task('transcode', { kind: 'transcode', definitions: ctx.settings.defaultDefinitions });
    ctx.events.emit(
      s.appId,
      'NewFileUpload',
      {
        fileId,
        fileName: file.name,
        coverUrl: '',
        fileUrl: urlOf(file, file.sourceName),
        author: '',
        sourceType: s.sourceType,
        sourceContext: s.sourceContext ?? '',
        procedureTaskId: result.procedureTask?.vodTaskId ?? '',
        transcodeTaskId: result.transcodeTask?.vodTaskId ?? '',
      },
      s.notifyUrl,
    );
    void probeInBackground(ctx, file);
    return result;
  } finally {
    finishing.delete(s.key);
  }
}
