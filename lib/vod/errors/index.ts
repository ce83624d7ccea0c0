// VOD error codes: the seed's processing table, the API codes, and classify() over them.
export type { Basis, Category, Classification, ErrorEntry, Stage, Step } from './types';
export { classify, isVodCode, knownCodes, parseCode, ERROR_TABLE, type ClassifyContext } from './classify';
export {
  RETRY_RULE,
  RETRYABLE_CATEGORIES,
  SOURCE_READING_STEPS,
  OUTPUT_CHECKING_STEPS,
  isRetryableCategory,
  categoryOfStep,
  canRetryFlag,
} from './rule';
export {
  PROCESSING_RANGES,
  PROCESSING_SUFFIXES,
  SOURCE_REQUIREMENTS,
  PROCESSING_CODES,
  INFERRED_PROCESSING,
  rangeOf,
  type ProcessingRange,
  type ProcessingSuffix,
  type SourceRequirement,
} from './processing';
export { COMMON_API_CODES, UPLOAD_HOST_CODES, ACTION_CODES } from './api';
export { SEED_TEXT } from './seed-text';
export { VODFLOW_CODES, DEADLINE_CODE, REQUEST_INVALID_CODE, SOURCE_GONE_CODE, STALLED_CODE } from './vodflow';
export { V3_API_CODES, V3_PROCESSING_CODES, V3_ERROR_TABLE, V3_TASK_ERRCODES, lookupV3, type V3ErrorEntry } from './v3';
