// classify(code): a pure lookup in the table, then the retry rule. Codes the table does not list
// are decoded by structure where a documented range covers them, and otherwise fall back to
// "unknown"; nothing here throws.
import { ACTION_CODES, COMMON_API_CODES, UPLOAD_HOST_CODES } from './api';
import { INFERRED_PROCESSING, PROCESSING_CODES, rangeOf } from './processing';
import { canRetryFlag, categoryOfStep, isRetryableCategory } from './rule';
import type { Classification, ErrorEntry } from './types';
import { lookupV3, V3_CODE } from './v3';
import { VODFLOW_CODES } from './vodflow';

/** Every known code, one entry each. */
export const ERROR_TABLE: ReadonlyMap<number, ErrorEntry> = new Map(
  [...PROCESSING_CODES, ...INFERRED_PROCESSING, ...COMMON_API_CODES, ...UPLOAD_HOST_CODES, ...ACTION_CODES, ...VODFLOW_CODES].map(
    (entry) => [entry.code, entry] as const,
  ),
);

export interface ClassifyContext {
  /** The upload host's `canRetry` field (1/0), when the code came from vod2.qcloud.com. */
  canRetry?: unknown;
}

const INTEGER = /^[+-]?\d{1,16}$/;

/** A safe integer from a number or a numeric string ("-43001", " 4000 "); otherwise undefined. */
export function parseCode(input: unknown): number | undefined {
  let value: number;
  if (typeof input === 'number') value = input;
  else if (typeof input === 'string' && INTEGER.test(input.trim())) value = Number(input.trim());
  else return undefined;
  if (!Number.isSafeInteger(value)) return undefined;
  return value === 0 ? 0 : value; // folds -0
}

const UNKNOWN_ACTION =
  'Unknown code: retry once within your attempt limit; if it repeats, report the code and the task message to Tencent Cloud support.';

/** What can be said about a code the table does not list. */
function decodeUnlisted(code: number): ErrorEntry {
  const range = rangeOf(code);
  if (range) {
    const category = categoryOfStep(range.step);
    return {
      code,
      stage: range.stage,
      step: range.step,
      cause: null,
      category,
      message: '',
      message_en: `${range.en}: unlisted failure`,
      action:
        category === 'output'
          ? `VOD failed while ${range.doing} with an unlisted code: retry the task; if it fails again, re-encode the source (H.264/AAC in MP4) and upload it again.`
          : 'VOD failed reading the source with an unlisted code: re-encode the source (H.264/AAC in MP4) and upload it again.',
      basis: 'decoded',
    };
  }
  if (code <= -47000 && code > -48000) {
    return {
      code,
      stage: 'source',
      step: code <= -47300 && code > -47400 ? 'check-concat-inputs' : 'check-source',
      cause: null,
      category: 'source',
      message: '',
      message_en: 'Source file does not meet requirements: unlisted requirement',
      action:
        'The source does not meet an unlisted VOD requirement: re-encode it with a standard encoder (H.264/AAC in MP4), then upload it again.',
      basis: 'decoded',
    };
  }
  if (code >= 4000 && code < 7000) {
    return { ...unknownEntry(code), stage: 'api', message_en: 'Unlisted common API error (4000-7000)', basis: 'decoded' };
  }
  return unknownEntry(code);
}

const unknownEntry = (code: number): ErrorEntry => ({
  code,
  stage: null,
  step: null,
  cause: null,
  category: 'unknown',
  message: '',
  message_en: 'Unknown VOD code',
  action: UNKNOWN_ACTION,
  basis: 'none',
});

/** A value that is neither a number nor a string: nothing VOD answers, only a caller's mistake. */
const NOT_A_CODE: ErrorEntry = {
  ...unknownEntry(Number.NaN),
  message_en: 'Not a VOD code',
  action:
    'Pass a VOD code: an integer (API 2.0, e.g. -43001 or 4000) or a PascalCase name (API 3.0, e.g. SourceFileError.ContentMalformed).',
};

/** Whether `input` has the form of a VOD code: an integer (API 2.0) or a PascalCase name, dotted or not (API 3.0). */
export const isVodCode = (input: unknown): boolean =>
  parseCode(input) !== undefined || (typeof input === 'string' && V3_CODE.test(input.trim()));

/** An upload-host canRetry flag that disagrees with the table gets the last word, and says so. */
function withCanRetry(entry: ErrorEntry, flag: boolean): { retryable: boolean; action: string } {
  if (flag === isRetryableCategory(entry.category)) return { retryable: flag, action: entry.action };
  const note = flag
    ? 'The upload host marked this retryable (canRetry=1): retry the request.'
    : 'The upload host marked this not retryable (canRetry=0).';
  return { retryable: flag, action: `${note} ${entry.action}` };
}

/**
 * What a VOD code means and whether to retry it. Accepts numbers and numeric strings; never
 * throws. `context.canRetry` (upload host only) decides retryability of negative codes.
 */
export function classify(input: number | string, context?: ClassifyContext): Classification {
  const code = parseCode(input);
  if (code === undefined && typeof input === 'string') {
    // A PascalCase name (SourceFileError.ContentMalformed, InternalError) is API 3.0's. Any other
    // text is still what VOD answered: an unknown code, kept as given (never NaN, which a job
    // record could not store).
    const text = input.trim();
    if (V3_CODE.test(text)) return classifyV3(text);
    return classifyUnknownText(text);
  }
  const listed = code === undefined ? undefined : ERROR_TABLE.get(code);
  const entry = listed ?? (code === undefined ? NOT_A_CODE : decodeUnlisted(code));
  const flag = code !== undefined && code < 0 ? canRetryFlag(context?.canRetry) : undefined;
  const { retryable, action } =
    flag === undefined ? { retryable: isRetryableCategory(entry.category), action: entry.action } : withCanRetry(entry, flag);
  return {
    code: entry.code,
    known: listed !== undefined,
    stage: entry.stage,
    step: entry.step,
    cause: entry.cause,
    retryable,
    message: entry.message,
    message_en: entry.message_en,
    action,
    category: entry.category,
    basis: entry.basis,
  };
}

/** Text in no code's form: unknown, under the unknown-code rule, with the text as its code. */
function classifyUnknownText(code: string): Classification {
  const entry = unknownEntry(Number.NaN);
  return { ...entry, code, known: false, retryable: isRetryableCategory(entry.category) };
}

/** API 3.0 dotted codes: the same entry shape and the same retry rule (category → retryable). */
function classifyV3(code: string): Classification {
  const found = lookupV3(code);
  const entry = found?.entry ?? { ...unknownEntry(Number.NaN), code, message_en: 'Unknown VOD API 3.0 code' };
  return {
    code,
    known: found?.exact ?? false,
    stage: entry.stage,
    step: entry.step,
    cause: entry.cause,
    retryable: isRetryableCategory(entry.category),
    message: entry.message,
    message_en: entry.message_en,
    action: entry.action,
    category: entry.category,
    basis: entry.basis,
  };
}

/** All known codes, ascending. */
export const knownCodes = (): number[] => [...ERROR_TABLE.keys()].sort((a, b) => a - b);
