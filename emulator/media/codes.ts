// Seed error codes (reference/seed-error-codes.md, vod-v2-api.md §6) derived from what ffmpeg and
// ffprobe really report. A code is the step's base minus a suffix: probing the source (-430xx)
// that ffmpeg calls corrupt (01) is -43001. The suffixes 89–97 are, word for word, the reasons
// libavformat's has_codec_parameters() prints in "Could not find codec parameters for stream N
// (…): <reason>" — the seed table was written from that list — so we match those reasons exactly.
// Which stderr substring leads to which suffix is data (STDERR_RULES); the first stderr line that
// matches a rule decides, because ffmpeg's first complaint is the cause and later lines are
// consequences (with -xerror ffmpeg stops at the first error anyway).

/** Where in the processing a failure happened; each step has its seed range. */
export const STEP_BASE = {
  'probe-source': -43000, // 查询，查询命令执行
  'probe-concat-input': -43100, // 查询，查询待拼接文件的命令执行
  snapshot: -44000, // 截图，截图命令执行
  'snapshot-info': -44100, // 截图，获取截图信息命令执行 (probing the produced image)
  transcode: -45000, // 音视频转码，转码命令执行
  'probe-before-verify': -45100, // 校验转码后文件前获取文件信息 (probing the produced output)
  'probe-before-upload': -45200, // 上传文件前获取文件信息 (probing the published output)
  verify: -49100, // 校验转码后文件 (decoding the output, duration and stream checks)
} as const;

export type ToolStep = keyof typeof STEP_BASE;
/** 'source' = the -47xxx source requirements checked on a successful probe. */
export type Step = ToolStep | 'source';

export const SUFFIX = {
  corrupt: 1, // 解码失败，ffmpeg 通知文件已损坏
  decodeFailed: 29, // 解码失败，ffmpeg 解码失败
  codecUnknown: 89,
  audioFrameSizeUnknown: 90,
  sampleFormatUnknown: 91,
  sampleRateUnknown: 92,
  channelsUnknown: 93,
  noDecodableDtsFrames: 94,
  sizeUnknown: 95,
  pixelFormatUnknown: 96,
  rvNoFrameNoSar: 97,
  endOfFile: 98,
  seekOutsideFile: 99,
} as const;

export type Suffix = (typeof SUFFIX)[keyof typeof SUFFIX];

/** -47xxx: the probe worked but the source does not meet the requirements. */
export const SOURCE_CODE = {
  notJson: -47100, // ffprobe's output is not the JSON we asked for
  missingGeometry: -47101, // a video stream without width, height or pix_fmt
  unknownCodec: -47102, // an audio/video stream without a known codec name
  badDuration: -47104, // duration < 0.01 s or > 604800 s (also: a clip range shorter than 0.01 s)
  zeroDuration: -47200, // no duration, or 0
  concatTooMany: -47300, // more inputs, or more bytes, than the concat limits
  concatResolution: -47301, // concat inputs differ in (displayed) resolution
  concatProbe: -47302, // a concat input is missing or has no video stream to read the resolution from
  noStreams: -47400, // neither audio nor video
  noAudio: -47401, // audio task, source without audio
  noVideo: -47402, // video task (transcode to a video definition, snapshots, sprites), source without video
  badGeometry: -47403, // width/height out of range, rotation not a multiple of 90°, bad display aspect ratio
} as const;

/**
 * Per-item status of CreateSnapshotByTimeOffset for an offset at or past the probed duration: the
 * only place the docs show -46204 is exactly that item (`{"status": -46204, "timeOffset": 1000000}`).
 */
export const SNAPSHOT_OFFSET_BEYOND_DURATION = -46204;

/** A failure that is not the media's fault (timeout, abort, crash of the tool): "30010 系统失败或未知". */
export const SYSTEM_FAILURE_CODE = 30010;

export interface StderrRule {
  suffix: Suffix;
  /** Substring (case-sensitive, as ffmpeg prints it) or pattern matched against one stderr line. */
  match: string | RegExp;
  /** Also a failure when the tool exited 0 (metadata and seek problems are; others only fail a nonzero exit). */
  evenOnSuccess: boolean;
  evidence: string;
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
  { suffix: 29, match: /Error while decoding stream|error while decoding/, evenOnSuccess: false, evidence: 'bytes flipped inside mdat (h264)' },
  { suffix: 29, match: /Invalid NAL unit size|Error splitting the input into NAL units/, evenOnSuccess: false, evidence: 'h264 data cut' },
  { suffix: 1, match: 'moov atom not found', evenOnSuccess: false, evidence: 'garbage, empty, text, mp4 cut in half (moov at the end)' },
  { suffix: 1, match: 'corrupt input packet', evenOnSuccess: false, evidence: 'faststart mp4 cut inside mdat (-xerror)' },
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
}

const prefixOf = (line: string): string | undefined => /^\[([\w,.-]+) @ 0x[0-9a-f]+\]/.exec(line)?.[1];

/** The suffix the first telling stderr line maps to, or undefined when nothing in stderr is a failure. */
export function classifyStderr(stderr: string, opts: ClassifyOptions): StderrVerdict | undefined {
  const decoders = new Set(opts.decoders ?? []);
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || BENIGN_STDERR.some((b) => b.test(line))) continue;
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
    readonly kind: 'timeout' | 'aborted' | 'closed' | 'spawn' | 'crash' | 'io',
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
