// ffprobe -v warning -print_format json -show_format -show_streams, read through zod. Warning
// level, not error, because the reasons for missing metadata ("Could not find codec parameters
// … : unspecified pixel format") are warnings, and they are what the -xx89…-xx97 codes mean.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as z from 'zod';
import { classifyStderr, codeOf, excerpt, MediaFailure, MediaSystemError, SOURCE_CODE, SUFFIX, type ToolStep } from './codes';
import type { MediaContext } from './context';
import type { MediaInfo, StreamInfo } from './types';

const num = z.union([z.number(), z.string()]).transform((v) => Number(v));

export const streamSchema = z.object({
  index: z.number().optional(),
  codec_name: z.string().optional(),
  codec_type: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  pix_fmt: z.string().optional(),
  sample_fmt: z.string().optional(),
  sample_rate: num.optional(),
  channels: z.number().optional(),
  bit_rate: num.optional(),
  duration: num.optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  sample_aspect_ratio: z.string().optional(),
  display_aspect_ratio: z.string().optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() })).optional(),
});

export const ffprobeSchema = z.object({
  streams: z.array(streamSchema).default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      duration: num.optional(),
      size: num.optional(),
      bit_rate: num.optional(),
    })
    .optional(),
});

export type ProbeStream = z.infer<typeof streamSchema>;
export type ProbeResult = z.infer<typeof ffprobeSchema>;

/**
 * How far ffprobe and ffmpeg read into a source to find every stream's parameters. The defaults
 * (5 MB, 5 s) end before the first audio packet of a high-bitrate MPEG-TS (a 40 Mbit/s camera
 * file fills 5 MB in a second): its audio then probes with no sample format (a false -43091) and
 * transcodes silently without sound. Reading stops as soon as every stream is known, so this costs
 * nothing for a file whose streams show early.
 */
const SOURCE_PROBE = ['-probesize', '100M', '-analyzeduration', '30M'];

/** ffmpeg's input options for a source file, then the file. */
export const sourceInput = (src: string): string[] => [...SOURCE_PROBE, '-i', src];

const PROBE_ARGS = ['-hide_banner', '-v', 'warning', ...SOURCE_PROBE, '-print_format', 'json', '-show_format', '-show_streams'];

/** Probe `file` for `step`; a failure carries that step's code. */
export async function probe(ctx: MediaContext, file: string, step: ToolStep, signal: AbortSignal): Promise<ProbeResult> {
  try {
    await stat(file);
  } catch (err) {
    throw new MediaSystemError('io', step, `cannot read ${file}: ${(err as Error).message}`);
  }
  const result = await ctx.exec('ffprobe', [...PROBE_ARGS, file], step, signal);
  const exitedOk = result.exitCode === 0;
  let json: unknown;
  try {
    json = exitedOk ? JSON.parse(result.stdout) : undefined;
  } catch {
    json = undefined;
  }
  const parsed = ffprobeSchema.safeParse(json);
  // Only an audio or video stream a player needs can make the file unreadable (not tmcd, gpmd, mebx…).
  const kinds = new Map((parsed.success ? parsed.data.streams : []).map((s, i) => [s.index ?? i, s.codec_type]));
  const ignoreStream = (index: number): boolean => kinds.has(index) && kinds.get(index) !== 'video' && kinds.get(index) !== 'audio';
  const verdict = classifyStderr(result.stderr, { exitedOk, ignoreStream });
  if (!exitedOk || verdict) {
    throw new MediaFailure(
      codeOf(step, verdict?.suffix ?? SUFFIX.corrupt),
      step,
      excerpt(result.stderr, verdict) || `ffprobe exited ${result.exitCode}`,
    );
  }
  if (!parsed.success) {
    const sourceStep = step === 'probe-source' || step === 'probe-concat-inputs';
    throw new MediaFailure(
      sourceStep ? SOURCE_CODE.notJson : codeOf(step, SUFFIX.corrupt),
      sourceStep ? 'source' : step,
      'ffprobe did not print the expected JSON',
    );
  }
  return parsed.data;
}

/** Cover art in mp3/m4a is a video stream flagged attached_pic: not video for our purposes. */
export const isVideo = (s: ProbeStream): boolean => s.codec_type === 'video' && s.disposition?.attached_pic !== 1;
export const isAudio = (s: ProbeStream): boolean => s.codec_type === 'audio';

export function rotationOf(s: ProbeStream): number {
  const side = s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  if (side !== undefined) return side;
  const tag = s.tags?.rotate;
  return tag ? Number(tag) : 0;
}

export function ratio(text: string | undefined): number | undefined {
  const m = text ? /^(-?\d+)[:/](-?\d+)$/.exec(text) : null;
  if (!m) return undefined;
  const [n, d] = [Number(m[1]), Number(m[2])];
  return d === 0 ? undefined : n / d;
}

/** The size a player shows: sample aspect ratio and rotation applied. */
export function displaySize(s: ProbeStream): { width: number; height: number } {
  const w = s.width ?? 0;
  const h = s.height ?? 0;
  const sar = ratio(s.sample_aspect_ratio);
  const width = sar && sar > 0 && sar !== 1 ? Math.round(w * sar) : w;
  return Math.abs(rotationOf(s)) % 180 === 90 ? { width: h, height: width } : { width, height: h };
}

const fpsOf = (s: ProbeStream): number | undefined => {
  const f = ratio(s.avg_frame_rate) ?? ratio(s.r_frame_rate);
  return f && Number.isFinite(f) && f > 0 ? Math.round(f * 1000) / 1000 : undefined;
};

const intOr0 = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) ? Math.round(v) : 0);

export const durationOf = (p: ProbeResult): number => {
  const d = p.format?.duration;
  return d !== undefined && Number.isFinite(d) ? d : 0;
};

export const decodersOf = (p: ProbeResult): string[] => p.streams.flatMap((s) => (s.codec_name ? [s.codec_name] : []));

export function mediaInfoOf(p: ProbeResult, file: { size: number; md5: string }): MediaInfo {
  const videos = p.streams.filter(isVideo);
  const audios = p.streams.filter(isAudio);
  const first = videos[0] ? displaySize(videos[0]) : { width: 0, height: 0 };
  const duration = durationOf(p);
  const bitrate =
    p.format?.format_name === 'hls' || !p.format?.bit_rate
      ? duration > 0
        ? Math.round((file.size * 8) / duration)
        : 0
      : intOr0(p.format.bit_rate);
  // Matroska/WebM and HLS carry no per-stream rate: a lone video stream gets the file's rate less its audio.
  const audioRate = audios.reduce((n, s) => n + intOr0(s.bit_rate), 0);
  const videoRate = (s: ProbeStream): number => intOr0(s.bit_rate) || (videos.length === 1 ? Math.max(0, bitrate - audioRate) : 0);
  const videoStreamList: StreamInfo[] = videos.map((s) => ({
    codec: s.codec_name ?? 'unknown',
    ...displaySize(s),
    bitrate: videoRate(s),
    fps: fpsOf(s),
  }));
  const audioStreamList: StreamInfo[] = audios.map((s) => ({
    codec: s.codec_name ?? 'unknown',
    bitrate: intOr0(s.bit_rate),
    samplingRate: s.sample_rate !== undefined ? intOr0(s.sample_rate) : undefined,
    channels: s.channels,
  }));
  return {
    container: p.format?.format_name ?? 'unknown',
    duration,
    size: file.size,
    bitrate,
    width: first.width,
    height: first.height,
    md5: file.md5,
    videoStreamList,
    audioStreamList,
  };
}

export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
