// Template tables. The v2 docs name the transcode definitions (10/20/30 手机/标清/高清 mp4,
// 210/220/230/240 hls; reference §4.2) but not their sizes; those come from Tencent's preset
// template list (doc 266/33476: 流畅 FLU "按比例缩放 × 360" 400 kbps, 标清 SD × 540 1000 kbps,
// 高清 HD × 720 1800 kbps, 全高清 FHD × 1080 2500 kbps, fps 25, AAC 44.1 kHz stereo 64/128 kbps;
// audio templates 1010/1020 MP3, 1100–1140 M4A), and the image templates from the same list
// (time-point and sampled snapshots 10: JPG, source size, sampled every 10 %; sprite 10:
// 142x80 tiles, 10x10 per image, one every 10 s).
import { UnknownDefinitionError } from './codes';

export interface TranscodeDefinition {
  name: string;
  /** A video task needs a video stream (-47402), an audio task an audio stream (-47401). */
  kind: 'video' | 'audio';
  container: 'mp4' | 'hls' | 'mp3' | 'm4a';
  /** Short edge of the output ("× 360"); the long edge follows the aspect ratio. 0 for audio. */
  height: number;
  videoBitrate: number; // bps
  audioBitrate: number; // bps
  /** Frame-rate cap; a slower source keeps its rate. */
  fps: number;
}

const video = (name: string, container: 'mp4' | 'hls', height: number, videoKbps: number, audioKbps: number): TranscodeDefinition => ({
  name,
  kind: 'video',
  container,
  height,
  videoBitrate: videoKbps * 1000,
  audioBitrate: audioKbps * 1000,
  fps: 25,
});

const audio = (name: string, container: 'mp3' | 'm4a', audioKbps: number): TranscodeDefinition => ({
  name,
  kind: 'audio',
  container,
  height: 0,
  videoBitrate: 0,
  audioBitrate: audioKbps * 1000,
  fps: 0,
});

/** Transcode templates by definition. 0 (the original) is not a template: transcode() publishes the source as is. */
export const DEFINITIONS: Readonly<Record<number, TranscodeDefinition>> = {
  10: video('mobile (FLU) mp4', 'mp4', 360, 400, 64),
  20: video('SD mp4', 'mp4', 540, 1000, 64),
  30: video('HD mp4', 'mp4', 720, 1800, 128),
  40: video('FHD mp4', 'mp4', 1080, 2500, 128),
  210: video('mobile (FLU) hls', 'hls', 360, 400, 64),
  220: video('SD hls', 'hls', 540, 1000, 64),
  230: video('HD hls', 'hls', 720, 1800, 128),
  240: video('FHD hls', 'hls', 1080, 2500, 128),
  // API 3.0 presets (vod-v3-api.md §5): same ladder, 2K/4K added; the 2.0 ids above stay valid.
  100010: video('FLU mp4 (v3 preset)', 'mp4', 360, 400, 64),
  100020: video('SD mp4 (v3 preset)', 'mp4', 540, 1000, 64),
  100030: video('HD mp4 (v3 preset)', 'mp4', 720, 1800, 128),
  100040: video('FHD mp4 (v3 preset)', 'mp4', 1080, 2500, 128),
  100070: video('2K mp4 (v3 preset)', 'mp4', 1440, 3000, 160),
  100080: video('4K mp4 (v3 preset)', 'mp4', 2160, 6000, 160),
  100210: video('FLU hls (v3 preset)', 'hls', 360, 400, 64),
  100220: video('SD hls (v3 preset)', 'hls', 540, 1000, 64),
  100230: video('HD hls (v3 preset)', 'hls', 720, 1800, 128),
  100240: video('FHD hls (v3 preset)', 'hls', 1080, 2500, 128),
  100270: video('2K hls (v3 preset)', 'hls', 1440, 3000, 160),
  100280: video('4K hls (v3 preset)', 'hls', 2160, 6000, 160),
  1010: audio('mp3 128k', 'mp3', 128),
  1020: audio('mp3 320k', 'mp3', 320),
  1100: audio('m4a 24k', 'm4a', 24),
  1110: audio('m4a 48k', 'm4a', 48),
  1120: audio('m4a 96k', 'm4a', 96),
  1130: audio('m4a 192k', 'm4a', 192),
  1140: audio('m4a 256k', 'm4a', 256),
};

export const ORIGINAL_DEFINITION = 0;

/** Snapshot size: 0 x 0 = the source's size. */
export interface SnapshotDefinition {
  format: 'jpg';
  width: number;
  height: number;
}

export const SNAPSHOT_DEFINITIONS: Readonly<Record<number, SnapshotDefinition>> = {
  10: { format: 'jpg', width: 0, height: 0 },
};

export interface SampleDefinition extends SnapshotDefinition {
  /** 'Percent': every `interval` % of the duration; 'Time': every `interval` seconds. */
  sampleType: 'Percent' | 'Time';
  interval: number;
}

export const SAMPLE_SNAPSHOT_DEFINITIONS: Readonly<Record<number, SampleDefinition>> = {
  10: { format: 'jpg', width: 0, height: 0, sampleType: 'Percent', interval: 10 },
};

export interface SpriteDefinition {
  format: 'jpg';
  /** Tile size: the frame is fitted inside and letterboxed in black. */
  width: number;
  height: number;
  rows: number;
  columns: number;
  sampleType: 'Percent' | 'Time';
  interval: number;
}

export const IMAGE_SPRITE_DEFINITIONS: Readonly<Record<number, SpriteDefinition>> = {
  10: { format: 'jpg', width: 142, height: 80, rows: 10, columns: 10, sampleType: 'Time', interval: 10 },
};

export function lookup<T>(table: Readonly<Record<number, T>>, kind: string, definition: number): T {
  const found = Object.hasOwn(table, definition) ? table[definition] : undefined;
  if (!found) throw new UnknownDefinitionError(kind, definition);
  return found;
}

/** Output file names, flat in the file's folder, after the documented URL shapes (reference §4.8). */
export const outputName = {
  transcode: (definition: number, container: TranscodeDefinition['container']): string =>
    `f0.f${definition}.${container === 'hls' ? 'm3u8' : container}`,
  /** HLS segments of a playlist `base`.m3u8: `base`.0.ts, `base`.1.ts, … */
  segmentPattern: (playlist: string): string => `${playlist.replace(/\.m3u8$/, '')}.%d.ts`,
  snapshotByTimeOffset: (definition: number, timeOffsetMs: number): string => `f0.snapshotByTime.${definition}_${timeOffsetMs}.jpg`,
  sampleSnapshot: (definition: number, index: number): string => `f0.sampleSnapshot.${definition}_${index}.jpg`,
  cover: (definition: number): string => `f0.shotup.${definition}.jpg`,
  imageSprite: (definition: number, index: number): string => `f0.imageSprite.${definition}_${index}.jpg`,
  /** A new file made by concat or clip. */
  edited: (container: 'mp4' | 'hls'): string => (container === 'hls' ? 'f0.m3u8' : 'f0.mp4'),
};
