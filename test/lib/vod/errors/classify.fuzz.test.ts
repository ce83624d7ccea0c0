// classify is called on codes from the network (callbacks, API responses): it must never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, ERROR_TABLE, V3_ERROR_TABLE } from '../../../../lib/vod/errors';

const checkShape = (input: unknown, context?: unknown): void => {
  const c = classify(input as number | string, context as { canRetry?: unknown });
  expect(typeof c.known).toBe('boolean');
  expect(typeof c.retryable).toBe('boolean');
  expect(typeof c.action).toBe('string');
  expect(c.action.length).toBeGreaterThan(0);
  if (c.known) expect(typeof c.code === 'string' ? V3_ERROR_TABLE.has(c.code) : ERROR_TABLE.has(c.code)).toBe(true);
};

describe('classify never throws', () => {
  it('for any integer, and agrees with the table', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (code) => {
        checkShape(code);
        expect(classify(code).known).toBe(ERROR_TABLE.has(code));
        expect(classify(String(code))).toEqual(classify(code));
      }),
      { numRuns: 2000 },
    );
  });

  it('for codes near the table (dense ranges)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50000, max: 71000 }), (code) => checkShape(code)),
      { numRuns: 3000 },
    );
  });

  it('for any string, double or other value, with any canRetry', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.double(), fc.anything()), fc.anything(), (input, canRetry) =>
        checkShape(input, { canRetry }),
      ),
      { numRuns: 2000 },
    );
  });
});
