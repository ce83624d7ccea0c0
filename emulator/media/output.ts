// Producing one output file (or HLS playlist + segments) the way the service's steps are named:
// transcode (-450xx) → probe before verify (-451xx) → verify (-491xx) → publish → probe before
// upload (-452xx). ffmpeg writes into a staging folder inside outDir; the files are renamed into
// place only after verification, and the staging folder is always removed, so a failure or an
// abort never leaves a partial file where a URL could serve it.
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyStderr, codeOf, excerpt, MediaFailure, SUFFIX, type Suffix, type ToolStep } from './codes';
import type { MediaContext } from './context';
import { decodersOf, durationOf, isAudio, isVideo, md5File, mediaInfoOf, probe } from './probe';
import type { MediaInfo, OutputFile, TranscodeOutput } from './types';

export interface RenditionPlan {
  definition: number;
  outDir: string;
  /** e.g. f0.f20.mp4 or f0.f210.m3u8 */
  mainName: string;
  /** ffmpeg arguments writing `mainPath` (and, for HLS, its segments beside it). */
  args: (mainPath: string, stageDir: string) => string[];
  /** Decoder names of the inputs, to recognise decoder complaints in stderr. */
  decoders: string[];
  /** The command seeks (-ss): no output then means the seek went past the real end (99), else 98. */
  seeks: boolean;
  expect: { duration: number; video: boolean; audio: boolean };
}

/** Throw the step's failure when ffmpeg's exit status or stderr says so. */
export function checkRun(step: ToolStep, result: { exitCode: number | null; stderr: string }, decoders: readonly string[]): void {
  const exitedOk = result.exitCode === 0;
  const verdict = classifyStderr(result.stderr, { exitedOk, decoders });
  if (exitedOk && !verdict) return;
  throw new MediaFailure(
    codeOf(step, verdict?.suffix ?? SUFFIX.corrupt),
    step,
    excerpt(result.stderr, verdict) || `ffmpeg exited ${result.exitCode}`,
  );
}

export const FFMPEG_HEAD = ['-nostdin', '-hide_banner', '-v', 'error', '-xerror', '-y'];

/** Output shorter than expected by more than this is an early end of file. */
const durationSlack = (expected: number): number => Math.max(0.5, expected * 0.05);

async function verify(ctx: MediaContext, main: string, plan: RenditionPlan, signal: AbortSignal): Promise<void> {
  const info = await probe(ctx, main, 'probe-before-verify', signal);
  const decode = await ctx.exec('ffmpeg', [...FFMPEG_HEAD, '-i', main, '-f', 'null', '-'], 'verify-output', signal);
  checkRun('verify-output', decode, decodersOf(info));
  const fail = (suffix: Suffix, detail: string): never => {
    throw new MediaFailure(codeOf('verify-output', suffix), 'verify-output', detail);
  };
  if (plan.expect.video && !info.streams.some(isVideo)) fail(SUFFIX.sizeUnknown, 'the output has no video stream');
  if (plan.expect.audio && !info.streams.some(isAudio)) fail(SUFFIX.channelsUnknown, 'the output has no audio stream');
  const duration = durationOf(info);
  if (duration < plan.expect.duration - durationSlack(plan.expect.duration)) {
    // ffmpeg read the source to its real end and wrote all of it: the source is shorter than its
    // header says (a truncated upload). That is the source's problem, found by the transcode
    // (-45098, permanent), not a fault of VOD's own output (-49198 would ask for a retry).
    throw new MediaFailure(
      codeOf('transcode', SUFFIX.endOfFile),
      'transcode',
      `the source ends early: its header says ${plan.expect.duration.toFixed(3)} s, ffmpeg read ${duration.toFixed(3)} s of it`,
    );
  }
}

/** Rename staged files into outDir (segments first, the playlist/main file last). */
async function publish(stageDir: string, outDir: string, names: string[], mainName: string): Promise<OutputFile[]> {
  const ordered = [...names.filter((n) => n !== mainName), mainName];
  const files: OutputFile[] = [];
  for (const name of ordered) {
    await rename(join(stageDir, name), join(outDir, name));
    files.push({ name, path: join(outDir, name) });
  }
  return files;
}

/** Segments of an earlier, longer rendition under the same playlist name. */
async function removeStaleSegments(outDir: string, mainName: string, keep: Set<string>): Promise<void> {
  if (!mainName.endsWith('.m3u8')) return;
  const prefix = `${mainName.slice(0, -'.m3u8'.length)}.`;
  for (const name of await readdir(outDir)) {
    if (name.startsWith(prefix) && /\.\d+\.ts$/.test(name) && !keep.has(name)) await rm(join(outDir, name), { force: true });
  }
}

export async function describePublished(ctx: MediaContext, main: OutputFile, files: OutputFile[], signal: AbortSignal): Promise<MediaInfo> {
  const info = await probe(ctx, main.path, 'probe-before-upload', signal);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f.path)).size));
  return mediaInfoOf(info, { size: sizes.reduce((a, b) => a + b, 0), md5: await md5File(main.path) });
}

export async function produceRendition(ctx: MediaContext, plan: RenditionPlan, signal: AbortSignal): Promise<TranscodeOutput> {
  const stageDir = await mkdtemp(join(plan.outDir, '.staging-'));
  let published: OutputFile[] = [];
  try {
    const mainStaged = join(stageDir, plan.mainName);
    const result = await ctx.exec('ffmpeg', plan.args(mainStaged, stageDir), 'transcode', signal);
    checkRun('transcode', result, plan.decoders);
    const names = await readdir(stageDir);
    const mainSize = names.includes(plan.mainName) ? (await stat(mainStaged)).size : 0;
    if (mainSize === 0) {
      throw new MediaFailure(
        codeOf('transcode', plan.seeks ? SUFFIX.seekOutsideFile : SUFFIX.endOfFile),
        'transcode',
        'ffmpeg wrote no output',
      );
    }
    await verify(ctx, mainStaged, plan, signal);
    published = await publish(stageDir, plan.outDir, names, plan.mainName);
    const main = published.at(-1)!;
    await removeStaleSegments(plan.outDir, plan.mainName, new Set(names));
    const info = await describePublished(ctx, main, published, signal);
    return { ...info, definition: plan.definition, files: published, main };
  } catch (err) {
    await Promise.all(published.map((f) => rm(f.path, { force: true })));
    throw err;
  } finally {
    await rm(stageDir, { recursive: true, force: true });
  }
}
