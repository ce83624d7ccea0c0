import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenParams, unflattenParams } from '../../../lib/vod/params';

describe('flattenParams', () => {
  it('flattens arrays to name.N and objects to parent.child', () => {
    expect(
      flattenParams({
        fileId: 123,
        transcode: { definition: [20, 210], watermark: true },
        pullset: [{ url: 'http://x/a.mp4', fileName: 'a' }],
        notifyMode: undefined,
        skip: null,
      }),
    ).toEqual({
      fileId: '123',
      'transcode.definition.0': '20',
      'transcode.definition.1': '210',
      'transcode.watermark': '1',
      'pullset.0.url': 'http://x/a.mp4',
      'pullset.0.fileName': 'a',
    });
  });

  it('honours a 1-based index where an action documents it (ConfirmEvent msgHandle.1)', () => {
    expect(flattenParams({ msgHandle: ['a', 'b'] }, { indexBase: 1 })).toEqual({ 'msgHandle.1': 'a', 'msgHandle.2': 'b' });
  });
});

describe('unflattenParams', () => {
  it('accepts any index base and gaps, ordering by index (ProcessFile example skips 2)', () => {
    const flat = {
      'transcode.definition.0': '210',
      'transcode.definition.1': '220',
      'transcode.definition.3': '230',
      'transcode.definition.4': '240',
    };
    expect(unflattenParams(flat)).toEqual({ transcode: { definition: ['210', '220', '230', '240'] } });
    expect(unflattenParams({ 'msgHandle.2': 'b', 'msgHandle.1': 'a' })).toEqual({ msgHandle: ['a', 'b'] });
    expect(unflattenParams({ 'a.10': 'z', 'a.9': 'y' })).toEqual({ a: ['y', 'z'] });
  });

  it('keeps a leaf that is also a parent under the empty key', () => {
    expect(unflattenParams({ a: '1', 'a.b': '2' })).toEqual({ a: { '': '1', b: '2' } });
  });

  it('inverts flattenParams for arrays and objects of strings', () => {
    const leaf = fc.string({ maxLength: 5 });
    const key = fc.stringMatching(/^[a-z]{1,4}$/);
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
        fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 4 }), (input) => {
        expect(unflattenParams(flattenParams(input as never))).toEqual(input);
      }),
    );
  });
});
