// Chunked upload sessions (reference §4.1.2–4.1.3), shared by the server upload
// (InitUpload/UploadPart/FinishUpload) and the client upload (…Ex, signature-based).
// A session is keyed by (appId, fileSha); parts are written in place into one file, so an
// interrupted upload resumes with listParts (code 1), and a known file finishes at once (code 2).
//
// Part bookkeeping is an append-only journal next to the data (one JSON line per part, written
// after the part's bytes), not a state.json rewrite per part, whose cost grows with the part
// count and bounded large uploads. The journal is merged into the session when a restarted
// emulator first touches it, so resume still works across restarts.
//
// Each part's MD5 check goes through the hash pool (lib/vod/upload-hash.ts: worker threads on
// machines with more than 2 CPUs); the running SHA-1 stays here, in order, on bytes already in
// memory, whose buffer is then reused for the next part (uploads/part-buffers.ts). The data file and the journal
// stay open while parts arrive, not opened and closed per part (closed when idle or finished).
import { createHash, type Hash } from 'node:crypto';
import {
  closeSync,
  constants as fsConstants,
  createReadStream,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { hashPool } from '../../lib/vod/upload-hash';
import { appendJournal, closeFiles, closeWhenIdle, dataHandle, type OpenFiles } from './open-files';
import { releasePartBuffer, takePartBuffer } from './part-buffers';
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
const journalPath = (ctx: EmulatorContext, s: UploadSession) => join(ctx.store.uploadRoot, `${s.appId}-${s.fileSha}.parts`);
/** Read-write, created if missing, never truncated: parts of one file may be written concurrently. */
const DATA_FLAGS = fsConstants.O_RDWR | fsConstants.O_CREAT;

/**
 * What this process knows of a session beyond its stored record; rebuilt after a restart. The
 * running SHA-1 covers the data file's bytes [0, hashed): parts are hashed as they complete in
 * order (one that came early is read back from the page cache when its turn comes), so
 * FinishUpload needs no pass over the whole file. A rewrite of a hashed part drops it.
 */
interface Live extends OpenFiles {
  sha1?: Hash;
  hashed: number;
  writes: Set<Promise<void>>;
}
const lives = new WeakMap<UploadSession, Live>();

type PartRecord = UploadSession['parts'][string];

/** The first touch in this process also merges the parts journaled since state.json was written. */
function liveOf(ctx: EmulatorContext, s: UploadSession, fresh = false): Live {
  let live = lives.get(s);
  if (live) return live;
  lives.set(s, (live = { sha1: createHash('sha1'), hashed: 0, writes: new Set() }));
  const path = journalPath(ctx, s);
  // A new session starts with no parts, whatever an abandoned one with the same key left behind.
  if (fresh) rmSync(path, { force: true });
  else if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      let rec: PartRecord;
      try {
        rec = JSON.parse(line) as PartRecord;
      } catch {
        continue; // the torn last line of a crash, or the empty one after the final newline
      }
      if (Number.isInteger(rec.offset) && Number.isInteger(rec.dataSize) && typeof rec.dataMd5 === 'string')
        s.parts[String(rec.offset)] = rec;
    }
  }
  return live;
}

function readPart(fd: number, part: PartRecord): Buffer {
  const buf = takePartBuffer(part.dataSize);
  for (let n = 0; n < buf.length; ) {
    const got = readSync(fd, buf, n, buf.length - n, part.offset + n);
    if (got === 0) throw new Error(`the data file ends inside the part at ${part.offset}`);
    n += got;
  }
  return buf;
}

/**
 * After `rec` (whose bytes are `body`) is written and listed: hash every part now in order.
 * `same`: it replaced a part with the same MD5 (a retried part whose answer was lost).
 */
function advanceSha1(ctx: EmulatorContext, s: UploadSession, live: Live, rec: PartRecord, body: Buffer, same: boolean): void {
  if (!live.sha1) return;
  if (rec.offset < live.hashed) {
    if (!same) live.sha1 = undefined;
    return;
  }
  let fd: number | undefined;
  try {
    for (let part = s.parts[String(live.hashed)]; part && live.hashed < s.fileSize; part = s.parts[String(live.hashed)]) {
      if (part.offset === rec.offset) live.sha1.update(body);
      else {
        // A part that came early, read back from the page cache now that its turn has come.
        const early = readPart((fd ??= openSync(dataPath(ctx, s), 'r')), part);
        live.sha1.update(early);
        releasePartBuffer(early);
      }
      live.hashed += part.dataSize;
    }
  } catch {
    live.sha1 = undefined; // FinishUpload hashes the whole file instead
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function existingFile(ctx: EmulatorContext, appId: number, fileSha: string): VodFile | undefined {
  return Object.values(ctx.store.state.files).find((f) => f.appId === appId && f.sha1 === fileSha && f.status === 'normal');
}

export type InitResult = Record<string, unknown>;

export function initSession(ctx: EmulatorContext, fields: Omit<UploadSession, 'key' | 'parts' | 'createTime'>): InitResult {
  const { limits } = ctx.settings;
  if (fields.fileSize < 1 || fields.fileSize > limits.maxFileBytes)
    throw uploadError(PROTOCOL_ERROR, `fileSize must be 1…${limits.maxFileBytes}`);
  if (fields.dataSize < limits.minDataSize || fields.dataSize > limits.maxDataSize) {
    throw uploadError(PROTOCOL_ERROR, `dataSize must be ${limits.minDataSize}…${limits.maxDataSize}`);
  }
  const done = existingFile(ctx, fields.appId, fields.fileSha);
  if (done) return { code: 2, fileId: done.fileId, url: render(urlOf(done, done.sourceName), ctx.baseUrl()) };
  const key = sessionKey(fields.appId, fields.fileSha);
  const { uploads } = ctx.store.state;
  const current = uploads[key];
  if (current) liveOf(ctx, current);
  if (current && current.fileSize === fields.fileSize && Object.keys(current.parts).length) {
    // The session's dataSize wins from now on (reference §4.1.2).
    const listParts = Object.values(current.parts).sort((a, b) => a.offset - b.offset);
    return { code: 1, dataSize: current.dataSize, listParts };
  }
  const session: UploadSession = { ...fields, key, parts: {}, createTime: now() };
  liveOf(ctx, session, true);
  uploads[key] = session;
  ctx.store.save();
  return { code: 0 };
}

/**
 * FinishUpload's answer when no session is open: a file this account already has (InitUpload
 * answered code 2, and the official SDKs then call FinishUpload — vod-node-v4 lib/VodUploadApi.js
 * `rspBody['code'] == 2` → `FinishUpload(fileSha, …)`) finishes with its fileId and url.
 */
export function finishedBefore(ctx: EmulatorContext, appId: number, fileSha: string): { fileId: string; url: unknown } | undefined {
  if (Object.hasOwn(ctx.store.state.uploads, sessionKey(appId, fileSha))) return undefined;
  const done = existingFile(ctx, appId, fileSha);
  return done && { fileId: done.fileId, url: render(urlOf(done, done.sourceName), ctx.baseUrl()) };
}

export function sessionOf(ctx: EmulatorContext, appId: number, fileSha: string): UploadSession {
  const s = ctx.store.state.uploads[sessionKey(appId, fileSha)];
  if (!s) throw uploadError(PROTOCOL_ERROR, `no upload in progress for fileSha ${fileSha}: call InitUpload first`);
  liveOf(ctx, s);
  return s;
}

type PartArgs = { offset: number; dataSize: number; dataMd5: string };

/**
 * Checks a part against the session and its body; the record to journal once it is written,
 * and the body (the same bytes; a new Buffer if they went to a hash worker and back).
 */
async function checkPart(s: UploadSession, part: PartArgs, received: Buffer): Promise<{ rec: PartRecord; body: Buffer }> {
  const { offset, dataSize, dataMd5 } = part;
  if (offset % s.dataSize !== 0) throw uploadError(PROTOCOL_ERROR, `offset ${offset} is not a multiple of dataSize ${s.dataSize}`);
  if (offset >= s.fileSize) throw uploadError(PROTOCOL_ERROR, `offset ${offset} is beyond fileSize ${s.fileSize}`);
  const expected = Math.min(s.dataSize, s.fileSize - offset);
  if (dataSize !== expected) throw uploadError(PROTOCOL_ERROR, `the part at ${offset} must have dataSize ${expected}`);
  if (received.length !== dataSize) throw uploadError(BODY_ERROR, `the body has ${received.length} bytes, dataSize says ${dataSize}`, true);
  const { digest: md5, bytes: body } = await hashPool().digest('md5', received);
  if (md5 !== dataMd5.toLowerCase()) throw uploadError(BODY_ERROR, `the body's MD5 ${md5} differs from dataMd5`, true);
  return { rec: { offset, dataSize, dataMd5: md5 }, body };
}

/** After the bytes are in the data file: journal the part (restart-safe), list it, hash on. */
function recordPart(ctx: EmulatorContext, s: UploadSession, rec: PartRecord, body: Buffer): void {
  // A write that outlived its session (finished, or replaced by a new InitUpload) lists nothing.
  if (ctx.store.state.uploads[s.key] !== s) return;
  const live = liveOf(ctx, s);
  appendJournal(live, journalPath(ctx, s), `${JSON.stringify(rec)}\n`);
  const before = s.parts[String(rec.offset)];
  s.parts[String(rec.offset)] = rec;
  advanceSha1(ctx, s, live, rec, body, before?.dataSize === rec.dataSize && before.dataMd5 === rec.dataMd5);
}

/**
 * A positional write off the event loop: while the kernel takes the bytes (new page-cache pages
 * are written at about disk speed), other parts are received and MD5-checked.
 */
export async function writePartAsync(ctx: EmulatorContext, s: UploadSession, part: PartArgs, received: Buffer): Promise<void> {
  const live = liveOf(ctx, s);
  const check = checkPart(s, part, received);
  const { writes } = live;
  clearTimeout(live.idle);
  // Listed before the MD5 is known, so that FinishUpload waits for this part's check too.
  const write = (async () => {
    const { rec, body } = await check;
    const handle = await dataHandle(live, ctx.store.uploadRoot, dataPath(ctx, s), DATA_FLAGS);
    for (let at = 0; at < body.length; ) at += (await handle.write(body, at, body.length - at, rec.offset + at)).bytesWritten;
    recordPart(ctx, s, rec, body);
    releasePartBuffer(body);
  })();
  writes.add(write);
  try {
    await write;
  } finally {
    writes.delete(write);
    if (writes.size === 0) closeWhenIdle(live);
  }
}

/** FinishUpload must not hash (or move) the file while a part is still being written into it. */
async function writesSettled(ctx: EmulatorContext, s: UploadSession): Promise<void> {
  await Promise.allSettled([...liveOf(ctx, s).writes]);
}

async function sha1Of(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
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
    await writesSettled(ctx, s);
    const missing: number[] = [];
    for (let offset = 0; offset < s.fileSize; offset += s.dataSize) if (!s.parts[String(offset)]) missing.push(offset);
    if (missing.length)
      throw uploadError(PROTOCOL_ERROR, `parts missing at offsets ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
    const path = dataPath(ctx, s);
    const live = liveOf(ctx, s);
    await closeFiles(live);
    const sha1 = live.sha1 && live.hashed === s.fileSize ? live.sha1.digest('hex') : await sha1Of(path);
    live.sha1 = undefined;
    if (sha1 !== s.fileSha) {
      // The assembled bytes are not the announced file: start over.
      delete ctx.store.state.uploads[s.key];
      ctx.store.save();
      rmSync(path, { force: true });
      rmSync(journalPath(ctx, s), { force: true });
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
    rmSync(journalPath(ctx, s), { force: true });
    state.files[fileId] = file;
    delete state.uploads[s.key];
    ctx.store.save();
    const result: Finished = { file };
    const task = (type: 'procedure' | 'transcode', input: Task['input']): Task => {
      const t: Task = {
        vodTaskId: newVodTaskId(type, s.appId),
        appId: s.appId,
        type,
        status: 'WAITING',
        fileId,
        input,
        notifyMode: s.notifyMode,
        createTime: now(),
        beginProcessTime: 0,
        finishTime: 0,
        attempts: 0,
      };
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
