// ProcessFile's `transcode.hlsMasterPlaylist=1` (reference §4.5): one more output, definition
// 10000, `master_playlist.m3u8` over the HLS definitions of the request, shown in transcodeList
// with container "hls,applehttp" (reference §4.2). Written after the Transcode sub-tasks, from the
// variants that succeeded; no sub-task of its own (the docs list none).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VodFile } from '../types';

export const MASTER_PLAYLIST_DEFINITION = 10000;
export const MASTER_PLAYLIST_NAME = 'master_playlist.m3u8';

/** Writes the master playlist into `dir` and records it on the file; false without HLS variants. */
export function writeMasterPlaylist(file: VodFile, dir: string, definitions: number[]): boolean {
  const variants = definitions
    .map((d) => (Object.hasOwn(file.transcodes, String(d)) ? file.transcodes[String(d)]! : undefined))
    .filter((t) => t !== undefined && t.name.endsWith('.m3u8'))
    .sort((a, b) => a!.info.bitrate - b!.info.bitrate || a!.definition - b!.definition) as VodFile['transcodes'][string][];
  if (!variants.length) return false;
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3'];
  for (const v of variants) {
    // BANDWIDTH is required by RFC 8216; a variant whose probe gave no bitrate gets its size over its duration.
    const bandwidth = Math.max(1, Math.round(v.info.bitrate || (v.info.size * 8) / Math.max(v.info.duration, 1)));
    const resolution = v.info.width && v.info.height ? `,RESOLUTION=${Math.round(v.info.width)}x${Math.round(v.info.height)}` : '';
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth}${resolution}`, v.name);
  }
  const text = `${lines.join('\n')}\n`;
  writeFileSync(join(dir, MASTER_PLAYLIST_NAME), text);
  const top = variants.at(-1)!.info;
  file.transcodes[String(MASTER_PLAYLIST_DEFINITION)] = {
    definition: MASTER_PLAYLIST_DEFINITION,
    name: MASTER_PLAYLIST_NAME,
    names: [MASTER_PLAYLIST_NAME],
    info: {
      container: 'hls,applehttp',
      duration: top.duration,
      size: Buffer.byteLength(text) + variants.reduce((n, v) => n + v.info.size, 0),
      bitrate: top.bitrate,
      width: top.width,
      height: top.height,
      md5: createHash('md5').update(text).digest('hex'),
      videoStreamList: top.videoStreamList,
      audioStreamList: top.audioStreamList,
    },
  };
  return true;
}
