// The -47xxx checks: the probe worked, but does the source meet the requirements of the task?
import { MediaFailure, SOURCE_CODE, type ToolStep } from './codes';
import type { MediaContext } from './context';
import { displaySize, durationOf, isAudio, isVideo, probe, ratio, rotationOf, type ProbeResult, type ProbeStream } from './probe';

/** What the task needs from the source. */
export type Need = 'video' | 'audio' | 'any';

export interface SourceFacts {
  probe: ProbeResult;
  video?: ProbeStream;
  audio?: ProbeStream;
  duration: number;
  /** Displayed size of the video (0 x 0 without video). */
  width: number;
  height: number;
}

/** Documented limits: duration in (0.01 s, 604800 s]; sizes beyond 16384 px are not a video we can serve. */
export const MIN_DURATION = 0.01;
export const MAX_DURATION = 604800;
export const MAX_EDGE = 16384;

const fail = (code: number, detail: string): never => {
  throw new MediaFailure(code, 'source', detail);
};

const known = (codec: string | undefined): boolean => !!codec && codec !== 'unknown' && codec !== 'none';

export function checkSource(p: ProbeResult, need: Need): SourceFacts {
  const videos = p.streams.filter(isVideo);
  const audios = p.streams.filter(isAudio);
  if (videos.length === 0 && audios.length === 0)
    fail(SOURCE_CODE.noStreams, `no audio or video stream (${p.streams.map((s) => s.codec_type ?? '?').join(', ') || 'no streams'})`);
  for (const s of [...videos, ...audios]) {
    if (!known(s.codec_name)) fail(SOURCE_CODE.unknownCodec, `stream ${s.index ?? '?'} (${s.codec_type}) has no known codec`);
  }
  const video = videos[0];
  if (video) {
    if (!video.width || !video.height || !video.pix_fmt)
      fail(
        SOURCE_CODE.missingGeometry,
        `video stream ${video.index ?? 0}: width ${video.width}, height ${video.height}, pix_fmt ${video.pix_fmt}`,
      );
    const w = video.width ?? 0;
    const h = video.height ?? 0;
    const rotation = rotationOf(video);
    const dar = video.display_aspect_ratio;
    if (w < 2 || h < 2 || w > MAX_EDGE || h > MAX_EDGE) fail(SOURCE_CODE.badGeometry, `size ${w}x${h} outside 2..${MAX_EDGE}`);
    if (!Number.isFinite(rotation) || rotation % 90 !== 0) fail(SOURCE_CODE.badGeometry, `rotation ${rotation}° is not a multiple of 90°`);
    if (dar !== undefined && !((ratio(dar) ?? 0) > 0)) fail(SOURCE_CODE.badGeometry, `display aspect ratio ${dar}`);
  }
  const duration = durationOf(p);
  if (duration === 0) fail(SOURCE_CODE.zeroDuration, 'duration is 0 or unknown');
  if (duration < MIN_DURATION || duration > MAX_DURATION)
    fail(SOURCE_CODE.badDuration, `duration ${duration} s outside ${MIN_DURATION}..${MAX_DURATION}`);
  if (need === 'video' && !video) fail(SOURCE_CODE.noVideo, 'a video task on a source without video');
  if (need === 'audio' && audios.length === 0) fail(SOURCE_CODE.noAudio, 'an audio task on a source without audio');
  const size = video ? displaySize(video) : { width: 0, height: 0 };
  return { probe: p, video, audio: audios[0], duration, ...size };
}

/** Probe the source (-430xx, or -431xx for concat inputs) and check it (-47xxx). */
export async function inspectSource(
  ctx: MediaContext,
  src: string,
  need: Need,
  signal: AbortSignal,
  step: ToolStep = 'probe-source',
): Promise<SourceFacts> {
  return checkSource(await probe(ctx, src, step, signal), need);
}
