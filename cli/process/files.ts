// Which files a `vodflow process` run covers: paths as given, folders expanded to their videos.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

/** The pipeline's default video extensions (lib/config.ts VIDEO_EXTENSIONS). */
export const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'flv', 'wmv', 'mpg', 'mpeg', 'ts', 'm2ts', 'mxf', '3gp'];

export const isVideoName = (name: string): boolean => VIDEO_EXTENSIONS.includes(extname(name).slice(1).toLowerCase());

export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const path = resolve(input);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new Error(`${input}: no such file or folder`);
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter(isVideoName).sort();
      if (!names.length) throw new Error(`${input}: no video files in this folder (${VIDEO_EXTENSIONS.join(', ')})`);
      files.push(...names.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return [...new Set(files)];
}
