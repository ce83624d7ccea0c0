// ConcatVideo: at most 500 sources and 10 GB (-47300), each probed as a concat input (-431xx;
// missing or without video: -47302), all of one displayed resolution (-47301). The join itself
// is the concat filter with a re-encode to H.264/AAC, so sources with different codecs, frame
// rates or audio layouts still join; a source without audio contributes silence.
import { stat } from 'node:fs/promises';
import { MediaFailure, SOURCE_CODE } from './codes';
import type { MediaContext } from './context';
import { outputName } from './definitions';
import { FFMPEG_HEAD, produceRendition } from './output';
import { decodersOf, sourceInput } from './probe';
import { inspectSource, type SourceFacts } from './source';
import { containerArgs } from './transcode';
import type { TranscodeOutput } from './types';

const fail = (code: number, detail: string): never => {
  throw new MediaFailure(code, 'source', detail);
};

export async function concatInput(ctx: MediaContext, src: string, index: number, signal: AbortSignal): Promise<SourceFacts> {
  try {
    await stat(src);
  } catch {
    return fail(SOURCE_CODE.concatProbe, `source ${index} (${src}) cannot be read`);
  }
  try {
    return await inspectSource(ctx, src, 'video', signal, 'probe-concat-inputs');
  } catch (err) {
    if (err instanceof MediaFailure && err.code === SOURCE_CODE.noVideo)
      fail(SOURCE_CODE.concatProbe, `source ${index} has no video stream`);
    throw err;
  }
}

/** The concat filter graph: per source a normalised video and audio pad, then concat. */
export function concatFilter(inputs: SourceFacts[]): string {
  const withAudio = inputs.some((f) => f.audio);
  const parts: string[] = [];
  const pads: string[] = [];
  inputs.forEach((f, i) => {
    parts.push(`[${i}:V:0]setsar=1,format=yuv420p[v${i}]`);
    pads.push(`[v${i}]`);
    if (!withAudio) return;
    parts.push(
      f.audio
        ? `[${i}:a:0]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=stereo[a${i}]`
        : `anullsrc=r=44100:cl=stereo,atrim=duration=${f.duration.toFixed(3)}[a${i}]`,
    );
    pads.push(`[a${i}]`);
  });
  return `${parts.join(';')};${pads.join('')}concat=n=${inputs.length}:v=1:a=${withAudio ? 1 : 0}[vout]${withAudio ? '[aout]' : ''}`;
}

export async function concat(
  ctx: MediaContext,
  srcs: string[],
  dstType: 'mp4' | 'm3u8',
  outDir: string,
  signal: AbortSignal,
): Promise<TranscodeOutput> {
  const { maxConcatInputs, maxConcatBytes } = ctx.limits;
  if (srcs.length === 0) fail(SOURCE_CODE.concatProbe, 'no source to concatenate');
  if (srcs.length > maxConcatInputs) fail(SOURCE_CODE.concatTooMany, `${srcs.length} sources, the limit is ${maxConcatInputs}`);
  const sizes = await Promise.all(
    srcs.map((s) =>
      stat(s).then(
        (st) => st.size,
        () => 0,
      ),
    ),
  );
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > maxConcatBytes) fail(SOURCE_CODE.concatTooMany, `${total} bytes in total, the limit is ${maxConcatBytes}`);
  const inputs = await Promise.all(srcs.map((s, i) => concatInput(ctx, s, i, signal)));
  const first = inputs[0]!;
  const odd = inputs.findIndex((f) => f.width !== first.width || f.height !== first.height);
  if (odd >= 0)
    fail(
      SOURCE_CODE.concatResolution,
      `source ${odd} is ${inputs[odd]!.width}x${inputs[odd]!.height}, source 0 is ${first.width}x${first.height}`,
    );
  const withAudio = inputs.some((f) => f.audio);
  const container = dstType === 'm3u8' ? 'hls' : 'mp4';
  return produceRendition(
    ctx,
    {
      definition: 0,
      outDir,
      mainName: outputName.edited(container),
      args: (main) => [
        ...FFMPEG_HEAD,
        ...srcs.flatMap(sourceInput),
        '-filter_complex',
        concatFilter(inputs),
        '-map',
        '[vout]',
        ...(withAudio ? ['-map', '[aout]'] : []),
        '-c:v',
        'libx264',
        '-preset',
        ctx.preset,
        '-crf',
        '23',
        '-pix_fmt',
        'yuv420p',
        ...(withAudio ? ['-c:a', 'aac', '-b:a', '128000'] : []),
        ...containerArgs(container, main),
      ],
      decoders: [...new Set(inputs.flatMap((f) => decodersOf(f.probe)))],
      seeks: false,
      expect: { duration: inputs.reduce((a, f) => a + f.duration, 0), video: true, audio: withAudio },
    },
    signal,
  );
}
