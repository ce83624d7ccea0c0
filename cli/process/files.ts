// Which files a `vodflow process` run covers: paths as given, folders expanded to their videos.
// A folder entry that is not taken is reported with its reason, never dropped silently.
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';
import { APPLE_DOUBLE_REASON, isAppleDouble } from '../../lib/pipeline/apple-double';

/** The pipeline's default video extensions (lib/config.ts VIDEO_EXTENSIONS); .mts is AVCHD camcorder MPEG-TS, like .m2ts. */
export const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'flv', 'wmv', 'mpg', 'mpeg', 'ts', 'm2ts', 'mts', 'mxf', '3gp'];

export const isVideoName = (name: string): boolean => VIDEO_EXTENSIONS.includes(extname(name).slice(1).toLowerCase());

export interface SkippedInput {
  path: string;
  reason: string;
}

export interface ExpandedInputs {
  files: string[];
  skipped: SkippedInput[];
}

export async function expandInputs(inputs: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const skipped: SkippedInput[] = [];
  for (const input of inputs) {
    const path = resolve(input);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new Error(`${input}: no such file or folder`);
    if (!info.isDirectory()) {
      // Refused before the stack starts: POST /uploads would refuse it, after the start.
      if (isAppleDouble(basename(path))) throw new Error(`${input}: ${APPLE_DOUBLE_REASON}`);
      files.push(path);
      continue;
    }
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    const videos: string[] = [];
    for (const entry of entries) {
      const full = join(path, entry.name);
      if (isAppleDouble(entry.name)) skipped.push({ path: full, reason: APPLE_DOUBLE_REASON });
      // A hidden video is rarely one a user meant to send; named as a file, it is taken.
      else if (entry.name.startsWith('.') && isVideoName(entry.name))
        skipped.push({ path: full, reason: 'a hidden file (give it by name to process it)' });
      else if (entry.isDirectory()) skipped.push({ path: full, reason: 'a folder (folders are not searched recursively)' });
      else if (!isVideoName(entry.name)) skipped.push({ path: full, reason: `not a video extension (${VIDEO_EXTENSIONS.join(', ')})` });
      else videos.push(full);
    }
    if (!videos.length) {
      const left = skipped.filter((s) => s.path.startsWith(path + sep)).map((s) => `\n  ${s.path}: ${s.reason}`);
      throw new Error(`${input}: no video files in this folder (${VIDEO_EXTENSIONS.join(', ')})${left.join('')}`);
    }
    files.push(...videos);
  }
  return { files: [...new Set(files)], skipped };
}
