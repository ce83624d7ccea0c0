// Helpers shared by the task executors: the file a task works on, where its media lives, and the
// documented shapes built from the media engine's results.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaInfo } from '../media';
import type { EmulatorContext } from '../context';
import type { VodFile } from '../types';
import { fileDir, storedUrl } from '../urls';
import { TaskFailure } from './failure';
import type { TaskRun } from './runner';

export function liveFile(ctx: EmulatorContext, fileId: string | undefined): VodFile {
  const file = fileId ? ctx.store.state.files[fileId] : undefined;
  if (!file) throw new TaskFailure(10008, 'the file does not exist');
  return file;
}

/** The task's file, which must be fully uploaded (10009 otherwise). */
export function readyFile(run: TaskRun): VodFile {
  const file = liveFile(run.ctx, run.task.fileId);
  if (file.status !== 'normal') throw new TaskFailure(10009, `the file is not ready (status ${file.status})`);
  return file;
}

export function dirOf(ctx: EmulatorContext, file: Pick<VodFile, 'appId' | 'fileId'>): string {
  const dir = fileDir(ctx.store.mediaRoot, file.appId, file.fileId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const sourcePath = (ctx: EmulatorContext, file: VodFile): string => join(dirOf(ctx, file), file.sourceName);

export const urlOf = (file: Pick<VodFile, 'appId' | 'fileId'>, name: string): string => storedUrl(file.appId, file.fileId, name);

/**
 * Every number in a live `metaData` is an integer: tcpicli's vod/GetVideoInfo.go, generated from
 * live responses in 2017-12, types duration, fps, bitrate, size, height, width and samplingRate
 * `int64` (reference §0, §4.2), so a 2.5025 s, 29.97 fps clip is `duration: 3, fps: 30`. Whether the
 * service rounded or truncated is not recorded (UNCONFIRMED): rounding, as basicInfo.duration does.
 */
const int = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : 0);

/** GetVideoInfo/ProcedureStateChanged `metaData` (and a Transcode sub-task's output). */
export function metaDataOf(info: MediaInfo | undefined): Record<string, unknown> | undefined {
  if (!info) return undefined;
  return {
    size: int(info.size),
    container: info.container,
    bitrate: int(info.bitrate),
    height: int(info.height),
    width: int(info.width),
    md5: info.md5,
    duration: int(info.duration),
    videoStreamList: info.videoStreamList.map((s) => ({
      bitrate: int(s.bitrate),
      height: int(s.height),
      width: int(s.width),
      codec: s.codec,
      fps: int(s.fps),
    })),
    audioStreamList: info.audioStreamList.map((s) => ({ bitrate: int(s.bitrate), samplingRate: int(s.samplingRate), codec: s.codec })),
  };
}

/** DescribeVodPlayUrls / TranscodeComplete `playSet`: the source (definition 0) then each output. */
export function playSetOf(file: VodFile): Array<Record<string, unknown>> {
  const item = (definition: number, name: string, info: MediaInfo | undefined) => ({
    url: urlOf(file, name),
    definition,
    vbitrate: int(info?.videoStreamList[0]?.bitrate || info?.bitrate), // HLS, Matroska: no per-stream rate, the file's
    vheight: int(info?.height),
    vwidth: int(info?.width),
  });
  const transcodes = Object.values(file.transcodes).sort((a, b) => a.definition - b.definition);
  return [item(0, file.sourceName, file.metaData), ...transcodes.map((t) => item(t.definition, t.name, t.info))];
}

export const coverUrlOf = (file: VodFile): string => (file.coverName ? urlOf(file, file.coverName) : '');

export const now = (): number => Math.floor(Date.now() / 1000);

export function newVodFile(
  fields: Pick<VodFile, 'fileId' | 'appId' | 'name' | 'type' | 'sourceType' | 'sourceName' | 'status'> & Partial<VodFile>,
): VodFile {
  const t = now();
  return {
    description: '',
    classId: 0,
    tags: [],
    size: 0,
    createTime: t,
    updateTime: t,
    expireTime: 0,
    transcodes: {},
    sampleSnapshots: [],
    imageSprites: [],
    snapshotsByTimeOffset: [],
    ...fields,
  };
}

/** Best-effort probe after an upload or pull: GetVideoInfo shows metaData without processing. */
export async function probeInBackground(ctx: EmulatorContext, file: VodFile): Promise<void> {
  try {
    const info = await ctx.engine.probeSource(sourcePath(ctx, file));
    const current = ctx.store.state.files[file.fileId];
    if (current) {
      current.metaData = info;
      ctx.store.save();
    }
  } catch (err) {
    // A broken source is reported by the processing that needs it, with its seed code.
    ctx.log('info', `probe of ${file.fileId} failed: ${(err as Error).message}`);
  }
}

/** Throw if the task was cancelled (file deleted, shutdown) between two steps. */
export function checkAborted(run: TaskRun): void {
  if (run.signal.aborted) throw new TaskFailure(10008, 'cancelled');
}
