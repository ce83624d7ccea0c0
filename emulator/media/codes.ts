// Seed error codes (reference/seed-error-codes.md, vod-v2-api.md §6) derived from what ffmpeg and
// ffprobe really report. A code is the step's base minus a suffix: probing the source (-430xx)
// that ffmpeg calls corrupt (01) is -43001. The suffixes 89–97 are, word for word, the reasons
// libavformat's has_codec_parameters() prints in "Could not find codec parameters for stream N
// (…): <reason>" — the seed table was written from that list — so we match those reasons exactly.
// Which stderr substring leads to which suffix is data (STDERR_RULES); the first stderr line that
// matches a rule decides, because ffmpeg's first complaint is the cause and later lines are
// consequences (with -xerror ffmpeg stops at the first error anyway).

import {
  INFERRED_PROCESSING,
  PROCESSING_RANGES,
  PROCESSING_SUFFIXES,
  SOURCE_REQUIREMENTS,
  type Step as VodStep,
} from '../../lib/vod/errors';

/** The seed's command steps (lib/vod/errors PROCESSING_RANGES), spelled as vodflow's table spells them. */
export type ToolStep = Exclude<VodStep, 'check-source' | 'check-concat-inputs'>;
/** 'source' = the -47xxx source requirements checked on a successful probe. */
export type Step = ToolStep | 'source';

/** Where in the processing a failure happened; each step has its seed range (-43000, -43100, …). */
export const STEP_BASE: Readonly<Record<ToolStep, number>> = Object.fromEntries(PROCESSING_RANGES.map((r) => [r.step, -r.base])) as Record<
  ToolStep,
  number
>;

const suffixOf = (cause: string): number => {
  const found = PROCESSING_SUFFIXES.find((s) => s.cause === cause);
  if (!found) throw new Error(`lib/vod/errors has no processing suffix for ${cause}`);
  return found.suffix;
};

/** The suffixes by what ffmpeg reported (lib/vod/errors PROCESSING_SUFFIXES). */
export const SUFFIX = {
  corrupt: suffixOf('corrupt-file'), // 解码失败，ffmpeg 通知文件已损坏
  decodeFailed: suffixOf('decode-failed'), // 解码失败，ffmpeg 解码失败
  codecUnknown: suffixOf('missing-codec'),
  audioFrameSizeUnknown: suffixOf('missing-audio-frame-size'),
  sampleFormatUnknown: suffixOf('missing-audio-sample-format'),
  sampleRateUnknown: suffixOf('missing-audio-sample-rate'),
  channelsUnknown: suffixOf('missing-audio-channels'),
  noDecodableDtsFrames: suffixOf('no-decodable-dts-frames'),
  sizeUnknown: suffixOf('missing-video-size'),
  pixelFormatUnknown: suffixOf('missing-pixel-format'),
  rvNoFrameNoSar: suffixOf('rv-no-frame-no-sar'),
  endOfFile: suffixOf('end-of-file'),
  seekOutsideFile: suffixOf('seek-outside-file-size'),
} as const;

export type Suffix = number;

const requirement = (cause: string): number => {
  const found = SOURCE_REQUIREMENTS.find((r) => r.cause === cause);
  if (!found) throw new Error(`lib/vod/errors has no source requirement ${cause}`);
  return found.code;
};

/** -47xxx: the probe worked but the source does not meet the requirements (lib/vod/errors SOURCE_REQUIREMENTS). */
export const SOURCE_CODE = {
  notJson: requirement('source-info-not-json'), // ffprobe's output is not the JSON we asked for
  missingGeometry: requirement('missing-size-or-pixel-format'), // a video stream without width, height or pix_fmt
  unknownCodec: requirement('unknown-codec'), // an audio/video stream without a known codec name
  badDuration: requirement('invalid-duration'), // duration < 0.01 s or > 604800 s (also: a clip range shorter than 0.01 s)
  zeroDuration: requirement('zero-duration'), // no duration, or 0
  concatTooMany: requirement('concat-limit-exceeded'), // more inputs, or more bytes, than the concat limits
  concatResolution: requirement('concat-resolution-mismatch'), // concat inputs differ in (displayed) resolution
  concatProbe: requirement('concat-source-info-failed'), // a concat input is missing or has no video stream to read the resolution from
  noStreams: requirement('no-audio-or-video'), // neither audio nor video
  noAudio: requirement('no-audio-for-audio-task'), // audio task, source without audio
  noVideo: requirement('no-video-for-video-task'), // video task (transcode to a video definition, snapshots, sprites), source without video
  badGeometry: requirement('invalid-video-geometry'), // width/height out of range, rotation not a multiple of 90°, bad display aspect ratio
} as const;

/**
 * Per-item status of CreateSnapshotByTimeOffset for an offset at or past the probed duration: the
 * only place the docs show -46204 is exactly that item (`{"status": -46204, "timeOffset": 1000000}`).
 */
export const SNAPSHOT_OFFSET_BEYOND_DURATION = INFERRED_PROCESSING.find((e) => e.cause === 'time-offset-out-of-range')?.code ?? -46204;

/** A failure that is not the media's fault (timeout, abort, crash of the tool): "30010 系统失败或未知". */
export const SYSTEM_FAILURE_CODE = 30010;

export interface StderrRule {
  suffix: Suffix;
  /** Substring (case-sensitive, as ffmpeg prints it) or pattern matched against one stderr line. */
  match: string | RegExp;
  /** Also a failure when the tool exited 0 (metadata and seek problems are; others only fail a nonzero exit). */
  evenOnSuccess: boolean;
  evidence: string;
  /** Decides wherever it appears in stderr, before earlier lines: the demuxer's verdict on a packet outranks a parser's complaint about that packet. */
  decisive?: boolean;
}

const reason = (text: string): RegExp => new RegExp(`Could not find codec parameters for stream \\d+ \\(.*\\): ${text}\\s*$`);

/** Checked in this order on each line; see the README section "Seed codes the emulator produces". */
export const STDERR_RULES: readonly StderrRule[] = [
  { suffix: 89, match: reason('unknown codec'), evenOnSuccess: true, evidence: 'mp4 cut inside moov, audio stream (ffprobe -v warning)' },
  { suffix: 90, match: reason('unspecified frame size'), evenOnSuccess: true, evidence: 'has_codec_parameters()' },
  { suffix: 91, match: reason('unspecified sample format'), evenOnSuccess: true, evidence: 'has_codec_parameters()' },
  { suffix: 92, match: reason('unspecified sample rate'), evenOnSuccess: true, evidence: 'has_codec_parameters()' },
  { suffix: 93, match: reason('unspecified number of channels'), evenOnSuccess: true, evidence: 'has_codec_parameters()' },
  { suffix: 94, match: reason('no decodable DTS frames'), evenOnSuccess: true, evidence: 'has_codec_parameters()' },
  { suffix: 95, match: reason('unspecified size'), evenOnSuccess: true, evidence: 'has_codec_parameters()' },
  { suffix: 96, match: reason('unspecified pixel format'), evenOnSuccess: true, evidence: 'mp4 cut inside moov, video stream' },
  { suffix: 97, match: reason('no frame in rv30,40 and no sar'), evenOnSuccess: true, evidence: 'has_codec_parameters()' },
  { suffix: 89, match: 'Unsupported codec', evenOnSuccess: true, evidence: "'Unsupported codec with id 0' (toolchain §2)" },
  { suffix: 89, match: 'could not find codec parameters', evenOnSuccess: false, evidence: 'ffmpeg 4.1, flv/ts cut after the header' },
  { suffix: 89, match: /Decoder \(codec .*\) not found/, evenOnSuccess: false, evidence: 'ffmpeg without a decoder for the stream' },
  { suffix: 99, match: ': partial file', evenOnSuccess: true, evidence: 'mov demuxer: seek to a sample offset past the end of the file' },
  { suffix: 98, match: 'End of file', evenOnSuccess: true, evidence: 'ffmpeg 4.1 on a Matroska file cut after its header' },
  { suffix: 98, match: 'File ended prematurely', evenOnSuccess: true, evidence: 'matroska demuxer on a cut file' },
  {
    suffix: 29,
    match: /Error while decoding stream|error while decoding/,
    evenOnSuccess: false,
    evidence: 'bytes flipped inside mdat (h264)',
  },
  { suffix: 29, match: /Invalid NAL unit size|Error splitting the input into NAL units/, evenOnSuccess: false, evidence: 'h264 data cut' },
  { suffix: 1, match: 'moov atom not found', evenOnSuccess: false, evidence: 'garbage, empty, text, mp4 cut in half (moov at the end)' },
  {
    suffix: 1,
    match: 'corrupt input packet',
    evenOnSuccess: false,
    evidence: 'faststart mp4 cut inside mdat (-xerror; ffmpeg 5 prints the h264 parser\'s "Invalid NAL unit size" first)',
    decisive: true,
  },
  { suffix: 1, match: 'Invalid data found when processing input', evenOnSuccess: false, evidence: 'any unreadable input' },
  { suffix: 1, match: 'error reading header', evenOnSuccess: false, evidence: 'mp4 cut inside ftyp' },
  { suffix: 1, match: 'EBML header parsing failed', evenOnSuccess: false, evidence: 'Matroska cut inside its header' },
];

/** Lines ffmpeg prints at error level for a run that is fine. */
export const BENIGN_STDERR: readonly RegExp[] = [
  /Cannot use rename on non file protocol/, // ffmpeg 4.1 hls muxer, printed for every HLS output
];

export interface StderrVerdict {
  suffix: Suffix;
  line: string;
}

export interface ClassifyOptions {
  /** The tool exited 0: only rules with evenOnSuccess count, plus decoder lines for ffmpeg. */
  exitedOk: boolean;
  /**
   * Decoder names of the input's streams (ffprobe codec_name, e.g. h264, aac). A line logged by a
   * decoder starts with "[h264 @ 0x…]"; such a line is a decoding failure (29) even when its text
   * is in no table (e.g. "[aac @ …] channel element 1.5 is not allocated").
   */
  decoders?: readonly string[];
  /**
   * Streams that are neither audio nor video (timecode tmcd, GoPro gpmd, Apple mebx, subtitles):
   * a player does not need them, so a tool's complaint about one of them is not a source problem.
   */
  ignoreStream?: (index: number) => boolean;
}

/** The stream a line speaks of: "for stream 2 (Data: none)", "for input stream 2", "input stream #0:2". */
function streamOfLine(line: string): { index?: number; kind?: string } {
  const params = /for stream (\d+) \((\w+)[:)]/.exec(line);
  if (params) return { index: Number(params[1]), kind: params[2] };
  const input = /input stream (?:#\d+:)?(\d+)/.exec(line);
  return input ? { index: Number(input[1]) } : {};
}

const isAvKind = (kind: string): boolean => kind === 'Video' || kind === 'Audio';

const prefixOf = (line: string): string | undefined => /^\[([\w,.-]+) @ 0x[0-9a-f]+\]/.exec(line)?.[1];

/** The suffix the first telling stderr line maps to, or undefined when nothing in stderr is a failure. */
export function classifyStderr(stderr: string, opts: ClassifyOptions): StderrVerdict | undefined {
  const decoders = new Set(opts.decoders ?? []);
  const lines = stderr.split(/\r?\n/);
  for (const rule of STDERR_RULES) {
    if (!rule.decisive || (opts.exitedOk && !rule.evenOnSuccess)) continue;
    const line = lines.map((l) => l.trim()).find((l) => (typeof rule.match === 'string' ? l.includes(rule.match) : rule.match.test(l)));
    if (line) return { suffix: rule.suffix, line };
  }
  const verdict = firstVerdict(lines, opts);
  // A container guessed "with low score" from damaged bytes (a zeroed mp4 header read as MPEG-PS):
  // whatever the demuxer then misses is a consequence; the file itself is damaged (01).
  const guessed =
    verdict &&
    verdict.suffix !== SUFFIX.corrupt &&
    lines.map((l) => l.trim()).find((l) => /detected only with low score of \d+, misdetection possible/.test(l));
  return guessed ? { suffix: SUFFIX.corrupt, line: guessed } : verdict;
}

function firstVerdict(lines: string[], opts: ClassifyOptions): StderrVerdict | undefined {
  const decoders = new Set(opts.decoders ?? []);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || BENIGN_STDERR.some((b) => b.test(line))) continue;
    const stream = streamOfLine(line);
    if (stream.kind !== undefined && !isAvKind(stream.kind)) continue;
    if (stream.index !== undefined && opts.ignoreStream?.(stream.index)) continue;
    for (const rule of STDERR_RULES) {
      if (opts.exitedOk && !rule.evenOnSuccess) continue;
      const hit = typeof rule.match === 'string' ? line.includes(rule.match) : rule.match.test(line);
      if (hit) return { suffix: rule.suffix, line };
    }
    const prefix = prefixOf(line);
    if (prefix && decoders.has(prefix)) return { suffix: SUFFIX.decodeFailed, line };
  }
  return undefined;
}

export const codeOf = (step: ToolStep, suffix: Suffix): number => STEP_BASE[step] - suffix;

/** A failure caused by the media, with the seed code of the step where it happened. */
export class MediaFailure extends Error {
  override readonly name = 'MediaFailure';
  constructor(
    readonly code: number,
    readonly step: string,
    /** ffmpeg/ffprobe stderr excerpt or the failed check. */
    readonly detail: string,
    message?: string,
  ) {
    super(message ?? `${step} failed with ${code}: ${detail.split('\n')[0] ?? ''}`.trim());
  }
}

/** A failure that is not the media's fault: timeout, abort, engine closed, tool missing or crashed. */
export class MediaSystemError extends Error {
  override readonly name = 'MediaSystemError';
  readonly code = SYSTEM_FAILURE_CODE;
  constructor(
    readonly kind: 'timeout' | 'aborted' | 'closed' | 'spawn' | 'crash' | 'io' | 'tools',
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown for a definition that no template table knows (the API layer should reject it first). */
export class UnknownDefinitionError extends Error {
  override readonly name = 'UnknownDefinitionError';
  constructor(
    readonly kind: string,
    readonly definition: number,
  ) {
    super(`unknown ${kind} definition ${definition}`);
  }
}

const EXCERPT_LINES = 12;

/** The deciding line first, then the first lines of stderr (bounded). */
export function excerpt(stderr: string, verdict?: StderrVerdict): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && l !== verdict?.line)
    .slice(0, EXCERPT_LINES);
  return (verdict ? [verdict.line, ...lines] : lines).join('\n');
}
