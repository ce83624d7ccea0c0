// What every operation shares: the binaries, the pool, the limits, and one way to run a tool
// that turns "the process could not do its job for reasons unrelated to the media" (timeout,
// abort, close, missing binary, crash) into a MediaSystemError naming the step.
import { basename, isAbsolute } from 'node:path';
import type { MediaBinaries } from './binaries';
import { MediaSystemError, type Step } from './codes';
import { PoolClosedError, type Pool } from './pool';
import { RunAbortedError, RunSpawnError, runProcess, type RunResult } from './run';

export interface MediaLimits {
  /** ConcatVideo: at most this many sources (doc: 500). */
  maxConcatInputs: number;
  /** ConcatVideo: at most this many source bytes in total (doc: 10 GB). */
  maxConcatBytes: number;
}

export interface MediaContext {
  bins: MediaBinaries;
  pool: Pool;
  limits: MediaLimits;
  /** x264 preset; 'veryfast' keeps the emulator quick, quality is not its point. */
  preset: string;
  exec(tool: 'ffmpeg' | 'ffprobe', args: string[], step: Step, signal: AbortSignal): Promise<RunResult>;
}

/** Abort reason of a task that ran past its time limit. */
export class TaskTimeout extends Error {
  override readonly name = 'TaskTimeout';
  constructor(readonly timeoutMs: number) {
    super(`media task exceeded ${timeoutMs} ms`);
  }
}

export function systemErrorOf(err: unknown, step: Step): unknown {
  if (err instanceof MediaSystemError) return err;
  const reason = err instanceof RunAbortedError ? err.reason : err;
  if (reason instanceof TaskTimeout) return new MediaSystemError('timeout', step, reason.message);
  if (reason instanceof PoolClosedError) return new MediaSystemError('closed', step, reason.message);
  if (err instanceof RunAbortedError) return new MediaSystemError('aborted', step, err.message);
  if (err instanceof RunSpawnError) return new MediaSystemError('spawn', step, err.message);
  return err;
}

export function createContext(bins: MediaBinaries, pool: Pool, limits: MediaLimits, preset: string): MediaContext {
  return {
    bins,
    pool,
    limits,
    preset,
    async exec(tool, args, step, signal) {
      let result: RunResult;
      try {
        result = await pool.run((jobSignal) => runProcess(bins[tool], args, { signal: jobSignal }), signal);
      } catch (err) {
        const mapped = systemErrorOf(err, step);
        if (mapped === err && signal.aborted) throw new MediaSystemError('aborted', step, `${tool} aborted`);
        throw mapped;
      }
      if (result.signal) throw new MediaSystemError('crash', step, `${tool} died of ${result.signal}`);
      return { ...result, stderr: withoutFolders(result.stderr, args) };
    },
  };
}

/**
 * stderr with the folders of the files a tool was given cut down to the file names: ffmpeg
 * prefixes its complaints with the file's path, which is the emulator's own storage (a temp
 * folder, a data dir) and has no place in what VOD answers about a file.
 */
function withoutFolders(stderr: string, args: readonly string[]): string {
  const paths = [...new Set(args.filter((a) => isAbsolute(a) && a.length > 1))].sort((a, b) => b.length - a.length);
  return paths.reduce((text, p) => text.split(p).join(basename(p)), stderr);
}
