// The seed's 116 video-processing codes as data. 104 of them are a range (which command failed)
// plus a suffix (what ffmpeg reported): code = -(range base + suffix), e.g. -43001 = 43000 + 01,
// -49101 = 49100 + 01. They are derived from the two tables below; the 12 -47xxx "source
// requirement" codes are listed one by one. Chinese messages come verbatim from seed-text.ts.
import { categoryOfStep } from './rule';
import { SEED_TEXT } from './seed-text';
import type { ErrorEntry, Stage, Step } from './types';

export interface ProcessingRange {
  /** Absolute base: the code is -(base + suffix). */
  readonly base: number;
  readonly stage: Stage;
  readonly step: Step;
  /** The seed's words for the range, before the "：". */
  readonly zh: string;
  readonly en: string;
  /** How an action sentence names the failing step (output-checking steps only). */
  readonly doing: string;
}

export const PROCESSING_RANGES: readonly ProcessingRange[] = [
  {
    base: 43000,
    stage: 'probe',
    step: 'probe-source',
    zh: '查询，查询命令执行',
    en: 'Probe, running the probe command',
    doing: 'probing the source',
  },
  {
    base: 43100,
    stage: 'probe',
    step: 'probe-concat-inputs',
    zh: '查询，查询待拼接文件的命令执行',
    en: 'Probe, running the probe command on the files to concatenate',
    doing: 'probing the files to concatenate',
  },
  {
    base: 44000,
    stage: 'snapshot',
    step: 'snapshot',
    zh: '截图，截图命令执行',
    en: 'Snapshot, running the snapshot command',
    doing: 'taking a snapshot',
  },
  {
    base: 44100,
    stage: 'snapshot',
    step: 'snapshot-info',
    zh: '截图，获取截图信息命令执行',
    en: 'Snapshot, running the command that reads the snapshot information',
    doing: 'reading the information of a snapshot it took',
  },
  {
    base: 45000,
    stage: 'transcode',
    step: 'transcode',
    zh: '音视频转码，转码命令执行',
    en: 'Audio/video transcoding, running the transcode command',
    doing: 'transcoding',
  },
  {
    base: 45100,
    stage: 'transcode',
    step: 'probe-before-verify',
    zh: '音视频转码，校验转码后文件前获取文件信息',
    en: 'Audio/video transcoding, reading file information before verifying the transcoded file',
    doing: 'reading the transcoded file before verifying it',
  },
  {
    base: 45200,
    stage: 'transcode',
    step: 'probe-before-upload',
    zh: '音视频转码，上传文件前获取文件信息',
    en: 'Audio/video transcoding, reading file information before uploading the file',
    doing: 'reading the transcoded file before storing it',
  },
  {
    base: 49100,
    stage: 'transcode',
    step: 'verify-output',
    zh: '音视频转码，校验转码后文件',
    en: 'Audio/video transcoding, verifying the transcoded file',
    doing: 'verifying the transcoded file',
  },
];

export interface ProcessingSuffix {
  readonly suffix: number;
  readonly cause: string;
  /** The seed's words for the suffix, after the "：" (spacing normalised: no blank after "，"). */
  readonly zh: string;
  readonly en: string;
  /** "The source file <problem>: <fix>" — the action for steps that read the source. */
  readonly problem: string;
  readonly fix: string;
}

const REENCODE = 're-encode it with a standard encoder (H.264/AAC in MP4), then upload it again.';

export const PROCESSING_SUFFIXES: readonly ProcessingSuffix[] = [
  {
    suffix: 1,
    cause: 'corrupt-file',
    zh: '解码失败，ffmpeg 通知文件已损坏',
    en: 'decoding failed, ffmpeg reports the file is damaged',
    problem: 'is damaged',
    fix: 're-export or re-encode it, then upload it again.',
  },
  {
    suffix: 29,
    cause: 'decode-failed',
    zh: '解码失败，ffmpeg 解码失败',
    en: 'decoding failed, ffmpeg could not decode it',
    problem: 'could not be decoded',
    fix: REENCODE,
  },
  // 89-97 are, in order, the reasons libavformat's has_codec_parameters() gives for
  // "Could not find codec parameters for stream N": the seed quotes two of them verbatim.
  {
    suffix: 89,
    cause: 'missing-codec',
    zh: '元信息缺失，原视频编解码器未知',
    en: 'metadata missing, the original video codec is unknown (ffmpeg: unknown codec)',
    problem: 'has a stream in a codec ffmpeg does not know',
    fix: REENCODE,
  },
  {
    suffix: 90,
    cause: 'missing-audio-frame-size',
    zh: '元信息缺失，原视频音频帧大小未知',
    en: 'metadata missing, the original audio frame size is unknown (ffmpeg: unspecified frame size)',
    problem: 'lacks its audio frame size',
    fix: REENCODE,
  },
  {
    suffix: 91,
    cause: 'missing-audio-sample-format',
    zh: '元信息缺失，原视频音频帧格式未知',
    en: 'metadata missing, the original audio frame format is unknown (ffmpeg: unspecified sample format)',
    problem: 'lacks its audio sample format',
    fix: REENCODE,
  },
  {
    suffix: 92,
    cause: 'missing-audio-sample-rate',
    zh: '元信息缺失，原视频音频帧率未知',
    en: 'metadata missing, the original audio frame rate is unknown (ffmpeg: unspecified sample rate)',
    problem: 'lacks its audio sample rate',
    fix: REENCODE,
  },
  {
    suffix: 93,
    cause: 'missing-audio-channels',
    zh: '元信息缺失，原视频音频通道数未知',
    en: 'metadata missing, the original audio channel count is unknown (ffmpeg: unspecified number of channels)',
    problem: 'lacks its audio channel count',
    fix: REENCODE,
  },
  {
    suffix: 94,
    cause: 'no-decodable-dts-frames',
    zh: '元信息缺失，no decodable DTS frames',
    en: 'metadata missing, no decodable DTS frames (a DTS audio track without a decodable frame)',
    problem: 'has a DTS audio track without a decodable frame',
    fix: 're-encode its audio to AAC, then upload it again.',
  },
  {
    suffix: 95,
    cause: 'missing-video-size',
    zh: '元信息缺失，原视频视频宽高未知',
    en: 'metadata missing, the original video width and height are unknown (ffmpeg: unspecified size)',
    problem: 'lacks its video width and height',
    fix: REENCODE,
  },
  {
    suffix: 96,
    cause: 'missing-pixel-format',
    zh: '元信息缺失，原视频色度空间未知',
    en: 'metadata missing, the original video colour space is unknown (ffmpeg: unspecified pixel format)',
    problem: 'lacks its video pixel format (colour space)',
    fix: REENCODE,
  },
  {
    suffix: 97,
    cause: 'rv-no-frame-no-sar',
    zh: '元信息缺失，no frame in rv30,40 and no sar',
    en: 'metadata missing, no frame in rv30,40 and no sar (a RealVideo 3/4 stream without frames or sample aspect ratio)',
    problem: 'has a RealVideo (rv30/rv40) stream without frames or sample aspect ratio',
    fix: REENCODE,
  },
  {
    suffix: 98,
    cause: 'end-of-file',
    zh: 'End of file',
    en: 'end of file',
    problem: 'ends early (truncated upload or export)',
    fix: 'upload the complete file again.',
  },
  {
    suffix: 99,
    cause: 'seek-outside-file-size',
    zh: 'seeking outside actual filesize',
    en: 'seeking outside actual filesize',
    problem: 'points past its own end (truncated or damaged)',
    fix: 're-export the complete file, then upload it again.',
  },
];

export interface SourceRequirement {
  readonly code: number;
  readonly step: Step;
  readonly cause: string;
  readonly en: string;
  readonly action: string;
}

const SOURCE_EN = 'Source file does not meet requirements';

/** -47xxx, the source checks (seed "原文件不符合要求"); -473xx are the concatenation checks. */
export const SOURCE_REQUIREMENTS: readonly SourceRequirement[] = [
  {
    code: -47100,
    step: 'check-source',
    cause: 'source-info-not-json',
    en: 'the source file information is not JSON',
    action:
      'VOD could not read the media information of the source: re-encode it to a common format (H.264/AAC in MP4), then upload it again.',
  },
  {
    code: -47101,
    step: 'check-source',
    cause: 'missing-size-or-pixel-format',
    en: 'the source information lacks the width, height or colour space (pixel format)',
    action: `The source lacks its video width, height or colour space: ${REENCODE}`,
  },
  {
    code: -47102,
    step: 'check-source',
    cause: 'unknown-codec',
    en: 'the source information names an unknown codec',
    action: 'The source uses a codec VOD does not know: re-encode it to H.264/AAC in MP4, then upload it again.',
  },
  {
    code: -47104,
    step: 'check-source',
    cause: 'invalid-duration',
    en: 'the source duration is invalid (<0.01 or >604800)',
    action:
      'The source lasts under 0.01 s or over 604800 s (7 days): upload a file within those bounds (split long recordings) or re-encode it to repair its duration.',
  },
  {
    code: -47200,
    step: 'check-source',
    cause: 'zero-duration',
    en: 'the file duration is 0',
    action: 'The source has a duration of 0: re-export it with its real duration (at least one frame), then upload it again.',
  },
  {
    code: -47300,
    step: 'check-concat-inputs',
    cause: 'concat-limit-exceeded',
    en: 'concatenation exceeds the maximum limit',
    action: 'Too many or too large files to concatenate: concatenate at most 500 files and 10 GB in total, in batches if needed.',
  },
  {
    code: -47301,
    step: 'check-concat-inputs',
    cause: 'concat-resolution-mismatch',
    en: 'the files to concatenate differ in resolution',
    action: 'The files to concatenate differ in resolution: re-encode them to one resolution, then concatenate again.',
  },
  {
    code: -47302,
    step: 'check-concat-inputs',
    cause: 'concat-source-info-failed',
    en: 'concatenation could not get the source information of a video file',
    action:
      'VOD could not read one of the files to concatenate: check that each input plays, re-encode the one that does not, then concatenate again.',
  },
  {
    code: -47400,
    step: 'check-source',
    cause: 'no-audio-or-video',
    en: 'the video file has neither audio nor video',
    action: 'The source has neither an audio nor a video stream: upload a real media file.',
  },
  {
    code: -47401,
    step: 'check-source',
    cause: 'no-audio-for-audio-task',
    en: 'audio task, the source has no audio data',
    action: 'An audio output was requested but the source has no audio: drop the audio-only definition or upload a source with sound.',
  },
  {
    code: -47402,
    step: 'check-source',
    cause: 'no-video-for-video-task',
    en: 'video task, the source has no video data',
    action:
      'A video output was requested but the source has no video stream: upload a source with video, or request audio-only definitions and no cover or snapshots (vodflow: VOD_COVER_DEFINITION=none).',
  },
  {
    code: -47403,
    step: 'check-source',
    cause: 'invalid-video-geometry',
    en: 'the video file width/high/rotate/dar_w/dar_h is invalid',
    action:
      'The source has an invalid width, height, rotation or display aspect ratio: re-encode it to standard dimensions (even width and height, square pixels), then upload it again.',
  },
];

// A derived code the seed does not list is a bug in the two tables: fail at load, where tests see it.
const seedText = (code: number): string => {
  const text = SEED_TEXT[code];
  if (text === undefined) throw new Error(`processing code ${code} is not in the seed table`);
  return text;
};

function rangeEntry(range: ProcessingRange, suffix: ProcessingSuffix): ErrorEntry {
  const code = -(range.base + suffix.suffix);
  const category = categoryOfStep(range.step);
  const subject = range.step === 'probe-concat-inputs' ? 'One of the files to concatenate' : 'The source file';
  const action =
    category === 'output'
      ? `VOD failed while ${range.doing}, a check of its own output: retry the task; if it fails again, re-encode the source (H.264/AAC in MP4) and upload it again.`
      : `${subject} ${suffix.problem}: ${suffix.fix}`;
  return {
    code,
    stage: range.stage,
    step: range.step,
    cause: suffix.cause,
    category,
    message: seedText(code),
    message_en: `${range.en}: ${suffix.en}`,
    action,
    basis: 'seed',
  };
}

const sourceEntry = (req: SourceRequirement): ErrorEntry => ({
  code: req.code,
  stage: 'source',
  step: req.step,
  cause: req.cause,
  category: 'source',
  message: seedText(req.code),
  message_en: `${SOURCE_EN}: ${req.en}`,
  action: req.action,
  basis: 'seed',
});

/**
 * -46204 is not in the table: it appears once, in a CreateSnapshotByTimeOffsetComplete failure
 * example for timeOffset 1000000 (reference §4.7.4, §6). Its meaning is an inference.
 */
export const INFERRED_PROCESSING: readonly ErrorEntry[] = [
  {
    code: -46204,
    stage: 'snapshot',
    step: 'snapshot',
    cause: 'time-offset-out-of-range',
    category: 'invalid-request',
    message: '',
    message_en: 'Snapshot by time offset failed (undocumented; inferred: the time offset lies beyond the video duration)',
    action:
      'The snapshot time offset is probably beyond the end of the video (inferred, the code is undocumented): request offsets, in milliseconds, inside the video.',
    basis: 'inferred',
  },
];

/** All 116 seed codes, in seed order. */
export const PROCESSING_CODES: readonly ErrorEntry[] = [
  ...PROCESSING_RANGES.filter((r) => r.base < 47000).flatMap((r) => PROCESSING_SUFFIXES.map((s) => rangeEntry(r, s))),
  ...SOURCE_REQUIREMENTS.map(sourceEntry),
  ...PROCESSING_RANGES.filter((r) => r.base > 47000).flatMap((r) => PROCESSING_SUFFIXES.map((s) => rangeEntry(r, s))),
];

/** The range a (negative) code falls in, if any: used to decode codes the table does not list. */
export const rangeOf = (code: number): ProcessingRange | undefined =>
  PROCESSING_RANGES.find((r) => -code >= r.base && -code < r.base + 100);
