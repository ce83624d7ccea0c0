// What a failure is, in API 3.0 words. The media engine reports the seed's v2 code from what
// ffmpeg/ffprobe really said; this maps it to the ErrCodeExt of doc 266/50368 by what the media is
// (no Tencent source maps the two, vod-v3-api.md §6.2: the mapping follows the meanings).
import { rangeOf } from '../../lib/vod/errors/processing';
import { OUTPUT_CHECKING_STEPS } from '../../lib/vod/errors/rule';
import type { ApiError } from '../protocol';
import { SOURCE_CODE, SUFFIX } from '../media/codes';

const BY_SOURCE_CODE = new Map<number, string>([
  [SOURCE_CODE.notJson, 'SourceFileError.ContentMalformed'],
  [SOURCE_CODE.missingGeometry, 'SourceFileError.NoVideoResolution'],
  [SOURCE_CODE.unknownCodec, 'SourceFileError.ContentUnsupported'],
  [SOURCE_CODE.badDuration, 'SourceFileError.ContentUnsupported'],
  [SOURCE_CODE.zeroDuration, 'SourceFileError.ContentMalformed'],
  [SOURCE_CODE.noStreams, 'SourceFileError.ContentMalformed'],
  [SOURCE_CODE.noAudio, 'SourceFileError.ContentUnsupported'],
  [SOURCE_CODE.noVideo, 'SourceFileError.NoVideoMedia'],
  [SOURCE_CODE.badGeometry, 'SourceFileError.ContentUnsupported'],
]);

/** ErrCodeExt of a failed sub-task from its v2 processing code ("" for success). */
export function errCodeExtOf(code: number): string {
  if (code === 0) return '';
  const mapped = BY_SOURCE_CODE.get(code);
  if (mapped) return mapped;
  if (code <= -47000 && code > -48000) return 'SourceFileError.ContentUnsupported';
  const range = rangeOf(code);
  if (!range) return 'InternalError';
  // VOD checking its own output failed: VOD's fault, not the media's.
  if (OUTPUT_CHECKING_STEPS.has(range.step)) return 'InternalError';
  const suffix = -code - range.base;
  if (suffix === SUFFIX.sizeUnknown || suffix === SUFFIX.pixelFormatUnknown) return 'SourceFileError.NoVideoResolution';
  if (suffix === SUFFIX.codecUnknown) return 'SourceFileError.ContentUnsupported';
  return 'SourceFileError.ContentMalformed';
}

/** Task-level ErrCode (PullUploadTask…): 0, 40000 input, 60000 source, 70000 internal (sdk-models). */
export function taskErrCodeOf(code: number): number {
  if (code === 0) return 0;
  const ext = errCodeExtOf(code);
  return ext.startsWith('SourceFileError') ? 60000 : ext.startsWith('InvalidInput') ? 40000 : 70000;
}

/** An API 3.0 failure: HTTP 200, `Response.Error{Code, Message}` (§3.1-3.2). */
export class V3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** v2 action errors, as the 3.0 service would name them. */
export function fromV2Error(err: ApiError, notFound?: string): V3Error {
  const m = err.message;
  if (err.code === 4000) return new V3Error(m.startsWith('missing parameter') ? 'MissingParameter' : 'InvalidParameterValue', m);
  if (err.code === 4100 || err.code === 4104) return new V3Error('AuthFailure', m);
  if (err.code === 4400) return new V3Error('LimitExceeded', m);
  if ((err.code === 10008 || err.code === 70014 || err.code === 1000) && notFound) return new V3Error(notFound, m);
  if (err.code === 10009) return new V3Error('ResourceUnavailable', m);
  if (err.code >= 6000 && err.code < 7000) return new V3Error('InternalError', m);
  return new V3Error('FailedOperation', `${m} (emulator v2 code ${err.code})`);
}
