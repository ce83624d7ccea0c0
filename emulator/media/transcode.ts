// Transcoding to a definition: H.264/AAC mp4 or HLS at the template's short edge, never larger
// than the source unless asked; audio templates to mp3/m4a; definition 0 publishes the original.
import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { MediaContext } from './context';
import { DEFINITIONS, lookup, ORIGINAL_DEFINITION, outputName, type TranscodeDefinition } from './definitions';
import { describePublished, FFMPEG_HEAD, produceRendition } from './output';
import { decodersOf, ratio, sourceInput } from './probe';
import { inspectSource, type SourceFacts } from './source';
import type { TranscodeOutput } from './types';

export interface TranscodeOptions {
  signal?: AbortSignal;
  /** Scale small sources up to the template's size (default: never upscale). */
  allowUpscale?: boolean;
  /** ProcessFile transcode.disableHigherBitrate: never exceed the source's video bitrate. */
  disableHigherBitrate?: boolean;
}

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

/** Output size: the short edge becomes the template's, the long edge keeps the aspect ratio. */
export function targetSize(
  src: { width: number; height: number },
  shortEdge: number,
  allowUpscale = false,
): { width: number; height: number } {
  const short = Math.min(src.width, src.height);
  const long = Math.max(src.width, src.height);
  const wanted = allowUpscale ? shortEdge : Math.min(shortEdge, short);
  const scale = wanted / short;
  const [s, l] = [even(wanted), even(long * scale)];
  return src.width >= src.height ? { width: l, height: s } : { width: s, height: l };
}

export function videoArgs(ctx: MediaContext, facts: SourceFacts, def: TranscodeDefinition, o: TranscodeOptions): string[] {
  const size = targetSize(facts, def.height, o.allowUpscale);
  // A variable-frame-rate source's average can sit under the cap while its bursts do not: the higher of the two rates decides.
  const srcFps = Math.max(ratio(facts.video?.avg_frame_rate) ?? 0, ratio(facts.video?.r_frame_rate) ?? 0);
  const filters = [`scale=${size.width}:${size.height}`, 'setsar=1', ...(srcFps > def.fps ? [`fps=${def.fps}`] : [])];
  const srcBitrate = Number(facts.video?.bit_rate ?? 0);
  const bitrate = o.disableHigherBitrate && srcBitrate > 0 ? Math.min(def.videoBitrate, srcBitrate) : def.videoBitrate;
  const channels = Math.min(facts.audio?.channels ?? 2, 2);
  return [
    '-map',
    '0:V:0',
    ...(facts.audio ? ['-map', '0:a:0'] : []),
    '-vf',
    filters.join(','),
    '-c:v',
    'libx264',
    '-preset',
    ctx.preset,
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    String(bitrate),
    '-maxrate',
    String(bitrate),
    '-bufsize',
    String(bitrate * 2),
    ...(facts.audio ? ['-c:a', 'aac', '-b:a', String(def.audioBitrate), '-ar', '44100', '-ac', String(channels)] : []),
  ];
}

/**
 * Muxer arguments for `main` (HLS segments go beside the playlist, 10 s each as the service's).
 * Only the streams a player needs: no data, subtitle or timecode track (the mp4 muxer would
 * otherwise write the source's timecode as a tmcd track, which the output check then reads).
 */
export function containerArgs(container: TranscodeDefinition['container'], main: string): string[] {
  return ['-dn', '-sn', '-map_chapters', '-1', ...muxerArgs(container, main)];
}

function muxerArgs(container: TranscodeDefinition['container'], main: string): string[] {
  switch (container) {
    case 'hls':
      return [
        '-f',
        'hls',
        '-hls_time',
        '10',
        '-hls_playlist_type',
        'vod',
        '-hls_segment_filename',
        join(dirname(main), outputName.segmentPattern(basename(main))),
        main,
      ];
    case 'mp3':
      return ['-f', 'mp3', main];
    case 'm4a':
      return ['-movflags', '+faststart', '-write_tmcd', '0', '-f', 'ipod', main];
    case 'mp4':
      return ['-movflags', '+faststart', '-write_tmcd', '0', '-f', 'mp4', main];
  }
}

function audioArgs(def: TranscodeDefinition, facts: SourceFacts): string[] {
  const channels = String(Math.min(facts.audio?.channels ?? 2, 2));
  const codec = def.container === 'mp3' ? 'libmp3lame' : 'aac';
  return ['-map', '0:a:0', '-vn', '-c:a', codec, '-b:a', String(def.audioBitrate), '-ar', '44100', '-ac', channels];
}

/** Definition 0: the source itself, published under f0.<ext> unless it already lives in outDir. */
async function original(ctx: MediaContext, src: string, outDir: string, signal: AbortSignal): Promise<TranscodeOutput> {
  await inspectSource(ctx, src, 'any', signal);
  let path = resolve(src);
  if (dirname(path) !== resolve(outDir)) {
    const name = `f0${extname(src) || '.mp4'}`;
    const stage = await mkdtemp(join(outDir, '.staging-'));
    try {
      await copyFile(src, join(stage, name));
      await rename(join(stage, name), join(outDir, name));
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
    path = join(outDir, name);
  }
  const main = { path, name: basename(path) };
  const info = await describePublished(ctx, main, [main], signal);
  return { ...info, definition: ORIGINAL_DEFINITION, files: [main], main };
}

export async function transcode(
  ctx: MediaContext,
  src: string,
  definition: number,
  outDir: string,
  signal: AbortSignal,
  o: TranscodeOptions = {},
): Promise<TranscodeOutput> {
  if (definition === ORIGINAL_DEFINITION) return original(ctx, src, outDir, signal);
  const def = lookup(DEFINITIONS, 'transcode', definition);
  const facts = await inspectSource(ctx, src, def.kind, signal);
  const streams = def.kind === 'video' ? videoArgs(ctx, facts, def, o) : audioArgs(def, facts);
  return produceRendition(
    ctx,
    {
      definition,
      outDir,
      mainName: outputName.transcode(definition, def.container),
      args: (main) => [...FFMPEG_HEAD, ...sourceInput(src), ...streams, ...containerArgs(def.container, main)],
      decoders: decodersOf(facts.probe),
      seeks: false,
      expect: { duration: facts.duration, video: def.kind === 'video', audio: !!facts.audio },
    },
    signal,
  );
}
