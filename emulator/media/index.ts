// The emulator's media engine: real work with ffmpeg/ffprobe behind a bounded pool, one time
// limit per task, and every media failure carrying the seed code of its step (codes.ts).
import { stat } from 'node:fs/promises';
import { describeTool, resolveBinaries } from './binaries';
import { checkTools } from './selfcheck';
import { clip } from './clip';
import { MediaSystemError } from './codes';
import { concat, concatInput } from './concat';
import { createContext, TaskTimeout, type MediaContext } from './context';
import { md5File, mediaInfoOf } from './probe';
import { createPool, PoolClosedError, type PoolStats } from './pool';
import { coverBySnapshot, sampleSnapshot, snapshotByTimeOffset, type CoverOptions } from './snapshot';
import { inspectSource } from './source';
import { imageSprite } from './sprite';
import { transcode, type TranscodeOptions } from './transcode';
import type { MediaInfo, OutputFile, SnapshotItem, SpriteOutput, TranscodeOutput } from './types';

export * from './types';
export {
  MediaFailure,
  MediaSystemError,
  UnknownDefinitionError,
  STEP_BASE,
  SUFFIX,
  SOURCE_CODE,
  STDERR_RULES,
  SNAPSHOT_OFFSET_BEYOND_DURATION,
  SYSTEM_FAILURE_CODE,
  classifyStderr,
  codeOf,
} from './codes';
export type { Step, ToolStep, Suffix, StderrRule } from './codes';
export {
  DEFINITIONS,
  SNAPSHOT_DEFINITIONS,
  SAMPLE_SNAPSHOT_DEFINITIONS,
  IMAGE_SPRITE_DEFINITIONS,
  ORIGINAL_DEFINITION,
  outputName,
} from './definitions';
export type { TranscodeDefinition, SnapshotDefinition, SampleDefinition, SpriteDefinition } from './definitions';
export { resolveBinaries, describeTool } from './binaries';
export { targetSize, type TranscodeOptions } from './transcode';
export type { CoverOptions } from './snapshot';
export type { PoolStats } from './pool';

export interface MediaEngineOptions {
  /** Processes running at once (default: CPU count). */
  concurrency?: number;
  /** Time limit of one engine call, all its processes included (default 10 min). */
  taskTimeoutMs?: number;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** ConcatVideo limits (doc: 500 sources, 10 GB). */
  maxConcatInputs?: number;
  maxConcatBytes?: number;
  /** x264 preset (default veryfast). */
  preset?: string;
}

interface Signalled {
  signal?: AbortSignal;
}

export interface MediaEngine {
  probeSource(file: string, o?: Signalled): Promise<MediaInfo>;
  probeConcatInput(file: string, o?: Signalled): Promise<MediaInfo>;
  transcode(src: string, definition: number, outDir: string, o?: TranscodeOptions): Promise<TranscodeOutput>;
  snapshotByTimeOffset(src: string, timeOffsetsMs: number[], definition: number, outDir: string, o?: Signalled): Promise<SnapshotItem[]>;
  sampleSnapshot(src: string, definition: number, outDir: string, o?: Signalled): Promise<OutputFile[]>;
  coverBySnapshot(src: string, positionType: 'Time' | 'Percent', position: number, outDir: string, o?: CoverOptions): Promise<OutputFile>;
  imageSprite(src: string, definition: number, outDir: string, o?: Signalled): Promise<SpriteOutput>;
  concat(srcs: string[], dstType: 'mp4' | 'm3u8', outDir: string, o?: Signalled): Promise<TranscodeOutput>;
  clip(src: string, startTimeOffset: number, endTimeOffset: number | undefined, outDir: string, o?: Signalled): Promise<TranscodeOutput>;
  stats(): PoolStats;
  /** The tools in use, one line each ("ffmpeg 5.1.9 (system, /usr/bin/ffmpeg)"). */
  tools(): string[];
  /** The start-up self-check (run once, before the first task): undefined, or what is broken. */
  checkTools(): Promise<string | undefined>;
  /** Kill running ffmpeg/ffprobe processes, reject queued work, refuse new calls. */
  close(): Promise<void>;
}

export const DEFAULT_TASK_TIMEOUT_MS = 10 * 60_000;

async function describe(ctx: MediaContext, file: string, facts: Awaited<ReturnType<typeof inspectSource>>): Promise<MediaInfo> {
  const [{ size }, md5] = await Promise.all([stat(file), md5File(file)]);
  return mediaInfoOf(facts.probe, { size, md5 });
}

export function createMediaEngine(opts: MediaEngineOptions = {}): MediaEngine {
  const pool = createPool({ concurrency: opts.concurrency });
  const bins = resolveBinaries(opts);
  let toolCheck: Promise<string | undefined> | undefined;
  const checked = () => (toolCheck ??= checkTools(bins));
  const ctx = createContext(
    bins,
    pool,
    { maxConcatInputs: opts.maxConcatInputs ?? 500, maxConcatBytes: opts.maxConcatBytes ?? 10 * 1024 ** 3 },
    opts.preset ?? 'veryfast',
  );
  const timeoutMs = opts.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const closing = new AbortController();

  async function task<T>(name: string, caller: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (closing.signal.aborted) throw new MediaSystemError('closed', name, 'the media engine is closed');
    const broken = await checked();
    if (broken) throw new MediaSystemError('tools', name, `the media tools are broken (not the file): ${broken}`);
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(new TaskTimeout(timeoutMs)), timeoutMs);
    const signal = AbortSignal.any([timer.signal, closing.signal, ...(caller ? [caller] : [])]);
    try {
      return await fn(signal);
    } finally {
      clearTimeout(handle);
    }
  }

  return {
    probeSource: (file, o) => task('probe-source', o?.signal, async (s) => describe(ctx, file, await inspectSource(ctx, file, 'any', s))),
    probeConcatInput: (file, o) =>
      task('probe-concat-inputs', o?.signal, async (s) => describe(ctx, file, await concatInput(ctx, file, 0, s))),
    transcode: (src, definition, outDir, o) => task('transcode', o?.signal, (s) => transcode(ctx, src, definition, outDir, s, o)),
    snapshotByTimeOffset: (src, offsets, definition, outDir, o) =>
      task('snapshot', o?.signal, (s) => snapshotByTimeOffset(ctx, src, offsets, definition, outDir, s)),
    sampleSnapshot: (src, definition, outDir, o) => task('snapshot', o?.signal, (s) => sampleSnapshot(ctx, src, definition, outDir, s)),
    coverBySnapshot: (src, positionType, position, outDir, o) =>
      task('snapshot', o?.signal, (s) => coverBySnapshot(ctx, src, positionType, position, outDir, s, o?.definition)),
    imageSprite: (src, definition, outDir, o) => task('snapshot', o?.signal, (s) => imageSprite(ctx, src, definition, outDir, s)),
    concat: (srcs, dstType, outDir, o) => task('transcode', o?.signal, (s) => concat(ctx, srcs, dstType, outDir, s)),
    clip: (src, start, end, outDir, o) => task('transcode', o?.signal, (s) => clip(ctx, src, start, end, outDir, s)),
    stats: () => pool.stats(),
    tools: () => [describeTool('ffmpeg', bins.ffmpeg), describeTool('ffprobe', bins.ffprobe)],
    checkTools: checked,
    async close() {
      if (!closing.signal.aborted) closing.abort(new PoolClosedError());
      await pool.close();
    },
  };
}
