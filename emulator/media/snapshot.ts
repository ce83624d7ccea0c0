// Snapshots: one frame per time offset (CreateSnapshotByTimeOffset, per-item status), sampled
// snapshots every N % (or N s), and the cover. Each frame: ffmpeg -ss T -frames:v 1 (-440xx),
// then ffprobe of the image (-441xx), then a rename into outDir.
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { codeOf, MediaFailure, SNAPSHOT_OFFSET_BEYOND_DURATION, SUFFIX } from './codes';
import type { MediaContext } from './context';
import { lookup, outputName, SAMPLE_SNAPSHOT_DEFINITIONS, SNAPSHOT_DEFINITIONS, type SnapshotDefinition } from './definitions';
import { checkRun, FFMPEG_HEAD } from './output';
import { decodersOf, isVideo, probe, sourceInput } from './probe';
import { inspectSource, type SourceFacts } from './source';
import type { OutputFile, SnapshotItem } from './types';

/** A staging folder inside outDir, always removed afterwards. */
export async function withStage<T>(outDir: string, fn: (stageDir: string) => Promise<T>): Promise<T> {
  const stageDir = await mkdtemp(join(outDir, '.staging-'));
  try {
    return await fn(stageDir);
  } finally {
    await rm(stageDir, { recursive: true, force: true });
  }
}

export const seconds = (t: number): string => (Math.round(t * 1000) / 1000).toFixed(3);

const sizeFilter = (def: Pick<SnapshotDefinition, 'width' | 'height'>): string[] =>
  def.width > 0 || def.height > 0 ? ['-vf', `scale=${def.width || -2}:${def.height || -2}`] : [];

/** Check a produced image is a readable picture (the "snapshot info" step). */
export async function checkImage(ctx: MediaContext, path: string, signal: AbortSignal): Promise<void> {
  let size = 0;
  try {
    size = (await stat(path)).size;
  } catch {
    size = 0;
  }
  // ffmpeg exits 0 and writes nothing when the seek lands past the last frame.
  if (size === 0)
    throw new MediaFailure(
      codeOf('snapshot', SUFFIX.seekOutsideFile),
      'snapshot',
      'ffmpeg wrote no image: the position is past the last frame',
    );
  const info = await probe(ctx, path, 'snapshot-info', signal);
  const picture = info.streams.find(isVideo);
  if (!picture?.width || !picture.height)
    throw new MediaFailure(codeOf('snapshot-info', SUFFIX.sizeUnknown), 'snapshot-info', 'the image has no size');
}

/** No -xerror: a seek lands where it can (mid-GOP in MPEG-TS) and the decoder's complaints until the next keyframe are no failure; whether an image came out is. */
const SNAPSHOT_HEAD = FFMPEG_HEAD.filter((a) => a !== '-xerror');

/** Square pixels: an anamorphic source's frame is stretched to its displayed width. */
const SQUARE_PIXELS = ['-vf', 'scale=trunc(iw*sar/2)*2:ih,setsar=1'];

/** One frame at `t` seconds into outDir/name: the first decodable frame at or after `t`. */
export async function takeFrame(
  ctx: MediaContext,
  src: string,
  facts: SourceFacts,
  t: number,
  def: SnapshotDefinition,
  outDir: string,
  name: string,
  signal: AbortSignal,
): Promise<OutputFile> {
  return withStage(outDir, async (stageDir) => {
    const staged = join(stageDir, name);
    const size = sizeFilter(def);
    const frame = ['-map', '0:V:0', '-frames:v', '1', '-an', ...(size.length ? size : SQUARE_PIXELS), '-q:v', '2', '-f', 'image2', staged];
    // Input seek first (fast); where it lands on a frame that cannot be decoded (an MPEG-TS
    // seek lands mid-GOP; the next keyframe may be past the end), decode from the start and
    // drop frames up to t instead: slower, but the frame at t comes out.
    let result = await ctx.exec('ffmpeg', [...SNAPSHOT_HEAD, '-ss', seconds(t), ...sourceInput(src), ...frame], 'snapshot', signal);
    if (!(await nonEmpty(staged)) && t > 0)
      result = await ctx.exec('ffmpeg', [...SNAPSHOT_HEAD, ...sourceInput(src), '-ss', seconds(t), ...frame], 'snapshot', signal);
    if (!(await nonEmpty(staged))) checkRun('snapshot', result, decodersOf(facts.probe));
    await checkImage(ctx, staged, signal);
    await rename(staged, join(outDir, name));
    return { name, path: join(outDir, name) };
  });
}

const nonEmpty = async (path: string): Promise<boolean> => ((await stat(path).catch(() => undefined))?.size ?? 0) > 0;

export async function snapshotByTimeOffset(
  ctx: MediaContext,
  src: string,
  timeOffsetsMs: number[],
  definition: number,
  outDir: string,
  signal: AbortSignal,
): Promise<SnapshotItem[]> {
  const def = lookup(SNAPSHOT_DEFINITIONS, 'snapshot', definition);
  const facts = await inspectSource(ctx, src, 'video', signal);
  return Promise.all(
    timeOffsetsMs.map(async (timeOffset): Promise<SnapshotItem> => {
      if (!(timeOffset >= 0) || timeOffset / 1000 >= facts.duration) return { timeOffset, status: SNAPSHOT_OFFSET_BEYOND_DURATION };
      try {
        const file = await takeFrame(
          ctx,
          src,
          facts,
          timeOffset / 1000,
          def,
          outDir,
          outputName.snapshotByTimeOffset(definition, timeOffset),
          signal,
        );
        return { timeOffset, file, status: 0 };
      } catch (err) {
        if (err instanceof MediaFailure) return { timeOffset, status: err.code };
        throw err;
      }
    }),
  );
}

/** Sample positions in seconds: 0, interval, 2·interval, … strictly before the end. */
export function samplePositions(duration: number, sampleType: 'Percent' | 'Time', interval: number): number[] {
  const step = sampleType === 'Percent' ? (duration * interval) / 100 : interval;
  if (!(step > 0)) return [0];
  const out: number[] = [];
  for (let t = 0; t < duration - 1e-6 && out.length < 10_000; t = out.length * step) out.push(t);
  return out.length > 0 ? out : [0];
}

export async function sampleSnapshot(
  ctx: MediaContext,
  src: string,
  definition: number,
  outDir: string,
  signal: AbortSignal,
): Promise<OutputFile[]> {
  const def = lookup(SAMPLE_SNAPSHOT_DEFINITIONS, 'sample snapshot', definition);
  const facts = await inspectSource(ctx, src, 'video', signal);
  const positions = samplePositions(facts.duration, def.sampleType, def.interval);
  const files = await Promise.allSettled(
    positions.map((t, i) => takeFrame(ctx, src, facts, t, def, outDir, outputName.sampleSnapshot(definition, i), signal)),
  );
  const failed = files.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await removeNames(
      outDir,
      positions.map((_, i) => outputName.sampleSnapshot(definition, i)),
    );
    throw failed.reason;
  }
  return files.map((r) => (r as PromiseFulfilledResult<OutputFile>).value);
}

async function removeNames(outDir: string, names: string[]): Promise<void> {
  const present = new Set(await readdir(outDir));
  await Promise.all(names.filter((n) => present.has(n)).map((n) => rm(join(outDir, n), { force: true })));
}

export interface CoverOptions {
  signal?: AbortSignal;
  /** coverBySnapshot.definition (a snapshot template; default 10). */
  definition?: number;
}

/** positionType 'Time': seconds; 'Percent': 0–100 of the duration. */
export async function coverBySnapshot(
  ctx: MediaContext,
  src: string,
  positionType: 'Time' | 'Percent',
  position: number,
  outDir: string,
  signal: AbortSignal,
  definition = 10,
): Promise<OutputFile> {
  const def = lookup(SNAPSHOT_DEFINITIONS, 'snapshot', definition);
  const facts = await inspectSource(ctx, src, 'video', signal);
  const t = positionType === 'Percent' ? (facts.duration * position) / 100 : position;
  if (!(t >= 0) || t >= facts.duration) {
    throw new MediaFailure(
      codeOf('snapshot', SUFFIX.seekOutsideFile),
      'snapshot',
      `cover position ${seconds(t)} s is outside the ${seconds(facts.duration)} s video`,
    );
  }
  return takeFrame(ctx, src, facts, t, def, outDir, outputName.cover(definition), signal);
}
