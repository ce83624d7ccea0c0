// The media work of one job, run directly: the same media-engine calls (hence the same ffmpeg and
// ffprobe command lines) that the emulator makes for a job of the default pipeline — the pull's
// probe, the procedure's probe, one transcode per definition (20, 210), the cover at 50 % — with
// the emulator's concurrency (2 tasks, 2 processes), and none of the HTTP, SQS or DynamoDB.
import { limit } from './measure';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMediaEngine, type MediaEngine } from '../emulator/media';
import { makeClip } from '../emulator/media/fixtures';

export const PIPELINE_DEFINITIONS = [20, 210];
const COVER = { definition: 10, percent: 50 };

async function oneJob(engine: MediaEngine, src: string, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await engine.probeSource(src); // MultiPullVodFile: probe after the download
  await engine.probeSource(src); // ProcessFile: probe first
  for (const definition of PIPELINE_DEFINITIONS) await engine.transcode(src, definition, outDir);
  await engine.coverBySnapshot(src, 'Percent', COVER.percent, outDir, { definition: COVER.definition });
}

/** Wall ms of the media work of `files`, `parallel` jobs at a time. */
export async function directMediaMs(files: string[], parallel = 2): Promise<number> {
  const engine = createMediaEngine({ concurrency: 2 });
  const root = await mkdtemp(join(tmpdir(), 'vodflow-bench-direct-'));
  try {
    const start = performance.now();
    await limit(files, parallel, (file, i) => oneJob(engine, file, join(root, String(i))));
    return performance.now() - start;
  } finally {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Generated clips, made once per bench run and reused by every section. */
const made = new Map<string, Promise<string>>();
let clipDir: Promise<string> | undefined;
export function clip(seconds: number, width: number, height: number): Promise<string> {
  const key = `${seconds}s-${width}x${height}`;
  let p = made.get(key);
  if (!p) {
    clipDir ??= mkdtemp(join(tmpdir(), 'vodflow-bench-clips-'));
    p = clipDir.then((dir) => makeClip({ path: join(dir, `${key}.mp4`), seconds, width, height }));
    made.set(key, p);
  }
  return p;
}

export async function removeClips(): Promise<void> {
  if (clipDir) await rm(await clipDir, { recursive: true, force: true });
  clipDir = undefined;
  made.clear();
}
