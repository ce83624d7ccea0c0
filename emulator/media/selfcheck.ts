// The start-up self-check: before the first task, make a half-second MPEG-TS and an HLS copy of
// it with ffmpeg and probe both with ffprobe. A binary that cannot do that (missing, crashing on
// MPEG-TS as the static ffprobe 5.2 does without its GCONV_PATH workaround, lacking libx264) is a
// tools problem, reported as such for every task, never blamed on the user's file.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaBinaries, Tool } from './binaries';
import { runProcess } from './run';

const TIMEOUT_MS = 30_000;

async function step(tool: Tool, name: string, args: string[], what: string): Promise<string | undefined> {
  try {
    const r = await runProcess(tool, args, { timeoutMs: TIMEOUT_MS });
    if (r.signal) return `${name} died of ${r.signal} while ${what}`;
    if (r.exitCode !== 0) return `${name} exited ${r.exitCode} while ${what}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`;
    return undefined;
  } catch (err) {
    return `${name} could not run while ${what}: ${(err as Error).message}`;
  }
}

/**
 * The folders of checks still running. A check runs beside start-up (checkToolsAtStart), so a
 * process may exit before it ends (a short `vodflow process`, Ctrl-C) and never reach its finally.
 */
const checking = new Set<string>();
let exitHook = false;

function removedAtExit(dir: string): void {
  checking.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const d of checking) rmSync(d, { recursive: true, force: true });
  });
}

/** undefined when both tools work; otherwise what is broken. */
export async function checkTools(bins: MediaBinaries): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'vodflow-toolcheck-'));
  removedAtExit(dir);
  try {
    const ts = join(dir, 'check.ts');
    const m3u8 = join(dir, 'check.m3u8');
    const quiet = ['-nostdin', '-hide_banner', '-v', 'error', '-y'];
    const probe = (file: string) => ['-hide_banner', '-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file];
    return (
      (await step(
        bins.ffmpeg,
        'ffmpeg',
        [
          ...quiet,
          '-f',
          'lavfi',
          '-i',
          'testsrc=s=64x64:r=10:d=0.5',
          '-f',
          'lavfi',
          '-i',
          'sine=d=0.5',
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-c:a',
          'aac',
          '-f',
          'mpegts',
          ts,
        ],
        'writing an H.264/AAC MPEG-TS',
      )) ??
      (await step(bins.ffmpeg, 'ffmpeg', [...quiet, '-i', ts, '-c', 'copy', '-f', 'hls', '-hls_time', '1', m3u8], 'writing HLS')) ??
      (await step(bins.ffprobe, 'ffprobe', probe(ts), 'probing an MPEG-TS')) ??
      (await step(bins.ffprobe, 'ffprobe', probe(m3u8), 'probing an HLS playlist'))
    );
  } finally {
    checking.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}
