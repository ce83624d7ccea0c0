// Copies a ready video's outputs (each definition, HLS segments included, cover, snapshots) to a
// local folder, so the results outlive the in-process stack.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { VideoReadyEvent } from '../../lib/events/contracts';

export interface CopiedFile {
  url: string;
  path: string;
  bytes: number;
}

async function download(url: string, dir: string): Promise<CopiedFile> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  const path = join(dir, basename(new URL(url).pathname));
  await writeFile(path, body);
  return { url, path, bytes: body.length };
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
