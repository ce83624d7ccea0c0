// The API 3.0 table, enumerated: every row classifies to itself, retryability follows the one
// retry rule (its category), and dotted sub-codes follow their parent.
import { describe, expect, it } from 'vitest';
import {
  classify,
  isRetryableCategory,
  V3_API_CODES,
  V3_ERROR_TABLE,
  V3_PROCESSING_CODES,
  V3_TASK_ERRCODES,
} from '../../../../lib/vod/errors';
import { explainCodes } from '../../../../cli/commands/explain';

describe('v3 error table', () => {
  it.each([...V3_ERROR_TABLE.values()].map((e) => [e.code, e] as const))('%s', (code, entry) => {
    const c = classify(code);
    expect(c).toMatchObject({ code, known: true, category: entry.category, stage: entry.stage, cause: entry.cause });
    expect(c.retryable).toBe(isRetryableCategory(entry.category));
    expect(entry.message.length).toBeGreaterThan(0);
    expect(entry.message_en.length).toBeGreaterThan(0);
    expect(entry.action.length).toBeGreaterThan(10);
  });

  it('lists every processing code of doc 266/50368', () => {
    const codes = V3_PROCESSING_CODES.map((e) => e.code);
    for (const c of [
      'InvalidInput',
      'InvalidInput.InvalidTimeOffset',
      'InvalidInput.DefinitionNotExist',
      'InvalidInput.ConfigurationUnsupported',
      'InvalidInput.TaskDuplicated',
      'InvalidInput.PermissionDenied',
      'InvalidInput.ResultFileSizeTooLarge',
      'SourceFileError',
      'SourceFileError.NoVideoMedia',
      'SourceFileError.NoVideoResolution',
      'SourceFileError.ContentMalformed',
      'SourceFileError.ContentUnsupported',
      'SourceFileError.DownloadNotAccessible',
      'InternalError',
    ]) {
      expect(codes).toContain(c);
    }
    expect(V3_API_CODES.length + V3_PROCESSING_CODES.length).toBe(V3_ERROR_TABLE.size + 0);
  });

  it('source faults are permanent; internal errors and throttling are retried', () => {
    expect(classify('SourceFileError.ContentMalformed').retryable).toBe(false);
    expect(classify('AuthFailure.SignatureFailure').retryable).toBe(false);
    expect(classify('InternalError').retryable).toBe(true);
    expect(classify('RequestLimitExceeded').retryable).toBe(true);
    expect(classify('AuthFailure.SignatureExpire').retryable).toBe(true);
  });

  it('an unlisted sub-code follows its parent; an unknown code is unknown and retried once', () => {
    expect(classify('InternalError.DBError')).toMatchObject({ known: false, category: 'internal', retryable: true, basis: 'decoded' });
    expect(classify('RequestLimitExceeded.IPLimitExceeded')).toMatchObject({ known: false, category: 'throttled', retryable: true });
    expect(classify('SourceFileError.SomethingNew')).toMatchObject({ known: false, category: 'source', retryable: false });
    expect(classify('NoSuchThing.AtAll')).toMatchObject({ known: false, category: 'unknown', retryable: true });
  });

  it('task ErrCodes map to their class codes', () => {
    expect([...V3_TASK_ERRCODES.entries()]).toEqual([
      [40000, 'InvalidInput'],
      [60000, 'SourceFileError'],
      [70000, 'InternalError'],
    ]);
  });

  it('vodflow explain takes v3 codes', () => {
    const out = explainCodes(['SourceFileError.NoVideoMedia'], { json: true });
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.text)).toMatchObject({ code: 'SourceFileError.NoVideoMedia', known: true, retryable: false, stage: 'source' });
    expect(explainCodes(['-43001', 'InvalidInput.DefinitionNotExist']).exitCode).toBe(0);
  });
});
