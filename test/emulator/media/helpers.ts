// Shared by the media tests: an independent ffprobe read of an output, and staging leftovers.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolveBinaries } from '../../../emulator/media/binaries';
import { runProcess } from '../../../emulator/media/run';

export interface Probed {
  format: { format_name: string; duration?: string };
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
}

/** ffprobe run directly (not through the engine), so a test checks what is really on disk. */
export async function ffprobeJson(path: string): Promise<Probed> {
  const r = await runProcess(resolveBinaries().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
  if (r.exitCode !== 0) throw new Error(`ffprobe ${path}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Probed;
}

export const videoOf = (p: Probed) => p.streams.find((s) => s.codec_type === 'video');
export const audioOf = (p: Probed) => p.streams.find((s) => s.codec_type === 'audio');

/** Staging folders or fixture temporaries left in a folder. */
export async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('.staging-') || n.startsWith('.fixture-'));
}

/** Gone means reaped too: a zombie keeps its /proc entry. */
export const processGone = (pid: number): boolean => !existsSync(`/proc/${pid}`);
