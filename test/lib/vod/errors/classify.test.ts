import { describe, expect, it } from 'vitest';
import {
  ACTION_CODES,
  COMMON_API_CODES,
  ERROR_TABLE,
  OUTPUT_CHECKING_STEPS,
  PROCESSING_CODES,
  RETRYABLE_CATEGORIES,
  RETRY_RULE,
  SEED_TEXT,
  UPLOAD_HOST_CODES,
  VODFLOW_CODES,
  classify,
  knownCodes,
  parseCode,
} from '../../../../lib/vod/errors';

describe('classify: vectors', () => {
  it.each([
    [-43001, { stage: 'probe', step: 'probe-source', cause: 'corrupt-file', retryable: false }],
    [-43129, { stage: 'probe', step: 'probe-concat-inputs', cause: 'decode-failed', retryable: false }],
    [-44098, { stage: 'snapshot', step: 'snapshot', cause: 'end-of-file', retryable: false }],
    [-44195, { stage: 'snapshot', step: 'snapshot-info', cause: 'missing-video-size', retryable: true }],
    [-45099, { stage: 'transcode', step: 'transcode', cause: 'seek-outside-file-size', retryable: false }],
    [-45196, { stage: 'transcode', step: 'probe-before-verify', cause: 'missing-pixel-format', retryable: true }],
    [-45289, { stage: 'transcode', step: 'probe-before-upload', cause: 'missing-codec', retryable: true }],
    [-49101, { stage: 'transcode', step: 'verify-output', cause: 'corrupt-file', retryable: true }],
    [-47301, { stage: 'source', step: 'check-concat-inputs', cause: 'concat-resolution-mismatch', retryable: false }],
    [-47104, { stage: 'source', step: 'check-source', cause: 'invalid-duration', retryable: false }],
    [4100, { stage: 'auth', cause: 'auth-failed', retryable: false }],
    [4000, { stage: 'api', cause: 'invalid-parameter', retryable: false }],
    [6000, { stage: 'api', cause: 'internal-error', retryable: true }],
    [4500, { stage: 'auth', cause: 'replay-attack', retryable: true }],
    [4200, { cause: 'request-expired', retryable: true }],
    [4400, { cause: 'quota-exceeded', retryable: true }],
    [5000, { cause: 'resource-not-found', retryable: false }],
    [1018, { cause: 'too-many-pull-tasks', retryable: true }],
    [10008, { cause: 'file-not-found', retryable: false }],
    [70014, { cause: 'task-not-found', retryable: false }],
    [30009, { stage: 'task', cause: 'source-file-error', retryable: false }],
    [30010, { stage: 'task', cause: 'system-failure', retryable: true }],
    [-10002, { stage: 'upload', cause: 'bad-signature', retryable: false }],
    [-10004, { stage: 'upload', cause: 'cache-write-failed', retryable: true }],
  ] as const)('%i', (code, expected) => {
    expect(classify(code)).toMatchObject({ code, known: true, ...expected });
  });

  it('explains -43001 in both languages with one action sentence', () => {
    expect(classify(-43001)).toEqual({
      code: -43001,
      known: true,
      stage: 'probe',
      step: 'probe-source',
      cause: 'corrupt-file',
      retryable: false,
      message: '查询，查询命令执行： 解码失败， ffmpeg 通知文件已损坏',
      message_en: 'Probe, running the probe command: decoding failed, ffmpeg reports the file is damaged',
      action: 'The source file is damaged: re-export or re-encode it, then upload it again.',
      category: 'source',
      basis: 'seed',
    });
  });

  it('marks -46204 as inferred, not from the table', () => {
    expect(classify(-46204)).toMatchObject({ known: true, basis: 'inferred', stage: 'snapshot', retryable: false, message: '' });
    expect(SEED_TEXT[-46204]).toBeUndefined();
  });
});

describe('classify: the whole table', () => {
  const seedEntries = PROCESSING_CODES.filter((e) => e.code > -47000 || e.code < -48000);

  it('knows every listed code and returns its entry', () => {
    expect(knownCodes()).toHaveLength(ERROR_TABLE.size);
    expect(ERROR_TABLE.size).toBe(
      PROCESSING_CODES.length + 1 + COMMON_API_CODES.length + UPLOAD_HOST_CODES.length + ACTION_CODES.length + VODFLOW_CODES.length,
    );
    for (const code of knownCodes()) {
      const c = classify(code);
      expect(c.known, `${code}`).toBe(true);
      expect(c.code).toBe(code);
      expect(c.message_en.length, `${code}`).toBeGreaterThan(0);
      expect(c.action, `${code}`).toMatch(/^[A-Z].*\.$/);
      expect(c.action.split(/\.\s/).length, `${code} action is one sentence`).toBe(1);
      expect(classify(String(code))).toEqual(c);
    }
  });

  it('includes the common, upload-host and frequent per-action codes', () => {
    const expected = [
      0, 4000, 4100, 4101, 4102, 4103, 4104, 4105, 4106, 4110, 4200, 4300, 4400, 4500, 4600, 5000, 5100, 5200, 5300, 5400, 5500, 6000, 6100,
      6200, -10001, -10002, -10003, -10004, -10005, -10006, 1, 1000, 1001, 1003, 1013, 1016, 1018, 1023, 1050, 1102, 1108, 1152, 1163, 1702,
      1801, 1802, 1903, 1904, 1905, 1907, 2000, 2001, 10008, 10009, 10010, 10012, 10022, 10026, 10027, 10702, 70014, 31001, 32001, 30009,
      30010, -46204, 10001,
    ];
    for (const code of expected) expect(ERROR_TABLE.has(code), `${code}`).toBe(true);
  });

  it('knows the pull failure 10001 (源站拉取文件失败): a missing or unreadable source URL, not worth a retry', () => {
    expect(classify(10001)).toMatchObject({
      known: true,
      cause: 'pull-source-failed',
      category: 'not-found',
      retryable: false,
      message: '源站拉取文件失败',
    });
  });

  it('gives equal seed meanings equal values: same suffix → same cause, same range → same step', () => {
    const causeBySuffix = new Map<number, Set<string | null>>();
    const stepByRange = new Map<number, Set<string | null>>();
    for (const e of seedEntries) {
      const suffix = -e.code % 100;
      const range = -e.code - suffix;
      causeBySuffix.set(suffix, (causeBySuffix.get(suffix) ?? new Set()).add(e.cause));
      stepByRange.set(range, (stepByRange.get(range) ?? new Set()).add(e.step));
    }
    expect(causeBySuffix.size).toBe(13);
    expect(stepByRange.size).toBe(8);
    for (const causes of causeBySuffix.values()) expect(causes.size).toBe(1);
    for (const steps of stepByRange.values()) expect(steps.size).toBe(1);
  });

  it('gives different seed meanings different values, judged from the seed words', () => {
    // Split each seed text at "：" into the range words and the failure words, spacing ignored.
    const norm = (t: string) => t.replace(/\s+/g, '');
    const stepOfWords = new Map<string, Set<string | null>>();
    const wordsOfStep = new Map<string | null, Set<string>>();
    const causeOfWords = new Map<string, Set<string | null>>();
    const wordsOfCause = new Map<string | null, Set<string>>();
    const add = <K, V>(m: Map<K, Set<V>>, k: K, v: V) => m.set(k, (m.get(k) ?? new Set()).add(v));
    for (const e of seedEntries) {
      const [rangeWords, failureWords] = e.message.split('：').map(norm);
      add(stepOfWords, rangeWords!, e.step);
      add(wordsOfStep, e.step, rangeWords!);
      add(causeOfWords, failureWords!, e.cause);
      add(wordsOfCause, e.cause, failureWords!);
    }
    for (const m of [stepOfWords, wordsOfStep, causeOfWords, wordsOfCause]) for (const s of m.values()) expect(s.size).toBe(1);

    const sourceCauses = PROCESSING_CODES.filter((e) => e.stage === 'source').map((e) => e.cause);
    expect(new Set(sourceCauses).size).toBe(12);
    for (const cause of sourceCauses) expect(wordsOfCause.has(cause)).toBe(false);
  });

  it('follows the one retry rule for every code', () => {
    for (const code of knownCodes()) {
      const c = classify(code);
      expect(c.retryable, `${code}`).toBe(RETRYABLE_CATEGORIES.has(c.category));
    }
    // Processing: only failures while VOD checks its own output are worth a retry.
    for (const e of PROCESSING_CODES) {
      expect(classify(e.code).retryable, `${e.code}`).toBe(e.step !== null && OUTPUT_CHECKING_STEPS.has(e.step));
    }
    expect(PROCESSING_CODES.filter((e) => classify(e.code).retryable)).toHaveLength(4 * 13);
    // API codes, listed by hand from the rule (internal, throttling, stale request, transient state).
    const retryableApi = [
      1, 1001, 1003, 1013, 1016, 1018, 1023, 1050, 1102, 1108, 1152, 1702, 1801, 1802, 2000, 2001, 10009, 10010, 10012, 10022, 10026, 10027,
      10702, 32001, 30010, 4200, 4400, 4500, 5100, 6000, 6200, -10004, -10005,
    ];
    for (const e of [...COMMON_API_CODES, ...UPLOAD_HOST_CODES, ...ACTION_CODES]) {
      expect(classify(e.code).retryable, `${e.code}`).toBe(retryableApi.includes(e.code));
    }
  });

  it('states the rule as text naming every output-checking step', () => {
    for (const step of OUTPUT_CHECKING_STEPS) expect(RETRY_RULE).toContain(step);
    expect(RETRY_RULE).toContain('canRetry=1');
  });
});

describe('classify: canRetry from the upload host', () => {
  it('lets canRetry decide for negative codes, and says so when it overrides', () => {
    expect(classify(-10002, { canRetry: 1 })).toMatchObject({ retryable: true, action: expect.stringContaining('canRetry=1') });
    expect(classify(-10004, { canRetry: 0 })).toMatchObject({ retryable: false, action: expect.stringContaining('canRetry=0') });
    expect(classify(-10004, { canRetry: '1' }).action).toBe(classify(-10004).action);
    expect(classify(-10999, { canRetry: '0' })).toMatchObject({ known: false, retryable: false });
    expect(classify(-10002, { canRetry: 'maybe' }).retryable).toBe(false);
  });

  it('ignores canRetry for positive codes (it is documented for code < 0)', () => {
    expect(classify(4100, { canRetry: 1 }).retryable).toBe(false);
  });
});

describe('classify: unknown codes', () => {
  it('decodes an unlisted code inside a known range by its step', () => {
    expect(classify(-43050)).toMatchObject({
      known: false,
      stage: 'probe',
      step: 'probe-source',
      cause: null,
      retryable: false,
      basis: 'decoded',
    });
    expect(classify(-49150)).toMatchObject({ known: false, step: 'verify-output', retryable: true, basis: 'decoded' });
    expect(classify(-47999)).toMatchObject({ known: false, stage: 'source', step: 'check-source', retryable: false });
    expect(classify(-47350)).toMatchObject({ known: false, step: 'check-concat-inputs', retryable: false });
    expect(classify(4700)).toMatchObject({ known: false, stage: 'api', retryable: true });
  });

  it('falls back to unknown, retryable within the caller limit, for anything else', () => {
    for (const code of [-5, -99999, 7000, 123456789, -46205]) {
      expect(classify(code), `${code}`).toMatchObject({
        code,
        known: false,
        stage: null,
        step: null,
        cause: null,
        retryable: true,
        category: 'unknown',
        basis: 'none',
      });
    }
  });

  it("explains vodflow's own codes (-1 deadline, -2 stalled) as final for the job", () => {
    expect(classify(-1)).toMatchObject({ known: true, cause: 'deadline-exceeded', retryable: false, basis: 'vodflow' });
    expect(classify(-2)).toMatchObject({ known: true, stage: 'pipeline', cause: 'stalled', retryable: false, basis: 'vodflow' });
  });

  it('accepts numbers and numeric strings; other text is an unknown code kept as given, never NaN', () => {
    expect(classify('-43001').code).toBe(-43001);
    expect(classify(' 4000 ').known).toBe(true);
    expect(classify('+6000').code).toBe(6000);
    expect(classify('-0').code).toBe(0);
    for (const bad of ['abc', '', '-', '1e3', '0x10', '43001.0', '--43001', 'NaN', ' weird_code-1 ']) {
      const c = classify(bad);
      expect(c.known, bad).toBe(false);
      expect(c.code, bad).toBe(bad.trim()); // a job record stores it (NaN could not be marshalled)
      expect(c.category, bad).toBe('unknown');
    }
    for (const bad of [1.5, Number.NaN, Infinity, -Infinity, 2 ** 60]) expect(classify(bad).known).toBe(false);
    expect(parseCode(-0)).toBe(0);
    expect(parseCode('12345678901234567')).toBeUndefined();
  });
});
