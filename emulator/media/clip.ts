// ClipVideo: startTimeOffset/endTimeOffset in seconds, ≥ 0 from the head, < 0 from the tail,
// no end = to the end (reference §4.5). Re-encoded (accurate cut) at the source's own size.
import { codeOf, MediaFailure, SOURCE_CODE, SUFFIX } from './codes';
import type { MediaContext } from './context';
import { outputName } from './definitions';
import { FFMPEG_HEAD, produceRendition } from './output';
import { decodersOf, sourceInput } from './probe';
import { seconds } from './snapshot';
import { inspectSource, MIN_DURATION } from './source';
import { containerArgs } from './transcode';
import type { TranscodeOutput } from './types';

/** Absolute [start, end) in seconds of a clip of a `duration`-second source. */
export function clipRange(duration: number, startTimeOffset: number, endTimeOffset: number | undefined): { start: number; end: number } {
  const abs = (t: number) => (t < 0 ? duration + t : t);
  const start = Math.max(0, abs(startTimeOffset));
  const end = Math.min(duration, endTimeOffset === undefined ? duration : Math.max(0, abs(endTimeOffset)));
  return { start, end };
}

export async function clip(
  ctx: MediaContext,
  src: string,
  startTimeOffset: number,
  endTimeOffset: number | undefined,
  outDir: string,
  signal: AbortSignal,
): Promise<TranscodeOutput> {
  const facts = await inspectSource(ctx, src, 'any', signal);
  const { start, end } = clipRange(facts.duration, startTimeOffset, endTimeOffset);
  if (start >= facts.duration) {
    throw new MediaFailure(
      codeOf('transcode', SUFFIX.seekOutsideFile),
      'transcode',
      `clip start ${seconds(start)} s is past the ${seconds(facts.duration)} s source`,
    );
  }
  if (end - start < MIN_DURATION)
    throw new MediaFailure(
      SOURCE_CODE.badDuration,
      'source',
      `clip range ${seconds(start)}–${seconds(end)} s is shorter than ${MIN_DURATION} s`,
    );
  const video = !!facts.video;
  const audio = !!facts.audio;
  return produceRendition(
    ctx,
    {
      definition: 0,
      outDir,
      mainName: outputName.edited('mp4'),
      args: (main) => [
        ...FFMPEG_HEAD,
        '-ss',
        seconds(start),
        ...sourceInput(src),
        '-t',
        seconds(end - start),
        ...(video ? ['-map', '0:V:0', '-c:v', 'libx264', '-preset', ctx.preset, '-crf', '23', '-pix_fmt', 'yuv420p'] : []),
        ...(audio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '128000'] : []),
        ...containerArgs('mp4', main),
      ],
      decoders: decodersOf(facts.probe),
      seeks: true,
      expect: { duration: end - start, video, audio },
    },
    signal,
  );
}
