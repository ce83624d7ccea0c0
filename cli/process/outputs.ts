// Copies a ready video's outputs (each definition, HLS segments included, cover, snapshots) to a
// local folder, so the results outlive the in-process stack.
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { VideoReadyEvent } from '../../lib/events/contracts';

export interface CopiedFile {
  url: string;
  path: string;
  bytes: number;
}

/** Streamed to disk: an original of several GB never sits in memory. */
async function download(url: string, dir: string): Promise<CopiedFile> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`GET ${url} answered HTTP ${response.status}`);
  const path = join(dir, basename(new URL(url).pathname));
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(path));
  return { url, path, bytes: (await stat(path)).size };
}

/**
 * One output folder name per input file. The name without its extension, unless two inputs of
 * the run share it (holiday.mp4 and holiday.webm): those keep the extension, so neither
 * overwrites the other. `#`, `?` and `%` become `_`: in a path they break URL-based players
 * (ffmpeg reads "a#b/f0.m3u8" as a fragment).
 */
export function outputFolderNames(paths: readonly string[]): Map<string, string> {
  const stem = (p: string) => basename(p, extname(p));
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(stem(p).toLowerCase(), (counts.get(stem(p).toLowerCase()) ?? 0) + 1);
  const safe = (name: string) => name.replace(/[#?%]/g, '_') || '_';
  return new Map(paths.map((p) => [p, safe((counts.get(stem(p).toLowerCase()) ?? 0) > 1 ? basename(p) : stem(p))]));
}

/** A playlist's segment (and sub-playlist) URLs, resolved against the playlist's URL. */
export const playlistEntries = (playlist: string, base: string): string[] =>
  playlist
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => new URL(line, base).toString());

/** Downloads everything the event points at; returns the bytes of each main file by URL. */
export async function copyOutputs(event: VideoReadyEvent, dir: string): Promise<Map<string, CopiedFile[]>> {
  await mkdir(dir, { recursive: true });
  const copied = new Map<string, CopiedFile[]>();
  for (const item of event.data.playSet) {
    const main = await download(item.url, dir);
    const files = [main];
    if (item.url.endsWith('.m3u8')) {
      const playlist = await (await fetch(item.url)).text();
      for (const segment of playlistEntries(playlist, item.url)) files.push(await download(segment, dir));
    }
    copied.set(item.url, files);
  }
  const images = [event.data.coverUrl, ...event.data.snapshots.map((s) => s.url)].filter((u): u is string => !!u);
  for (const url of images) copied.set(url, [await download(url, dir)]);
  return copied;
}
