// Where a failure came from decides its code (when vodflow gave up) and its retry path.
import { describe, expect, it } from 'vitest';
import { classifyFailureV1 } from '../../../lib/messages';
import { codeOf, RETRY_PATH } from '../../../lib/pipeline';
import { classify, DEADLINE_CODE, STALLED_CODE } from '../../../lib/vod/errors';

const base = { v: 1, type: 'classify-failure', jobId: 'j-1', attempt: 1, message: 'm' } as const;

describe('failure origins', () => {
  it('give vodflow’s own code to the failures where it gave up, whatever a sender put in `code`', () => {
    expect(codeOf(classifyFailureV1.parse({ ...base, origin: 'deadline' }))).toBe(DEADLINE_CODE);
    expect(codeOf(classifyFailureV1.parse({ ...base, origin: 'stalled' }))).toBe(STALLED_CODE);
    // A message of an older release still carried the code: the origin decides.
    expect(codeOf(classifyFailureV1.parse({ ...base, origin: 'stalled', code: -1 }))).toBe(STALLED_CODE);
    expect(codeOf(classifyFailureV1.parse({ ...base, origin: 'procedure', code: -43001 }))).toBe(-43001);
  });

  it('refuse a VOD failure without its code, naming the field', () => {
    const out = classifyFailureV1.safeParse({ ...base, origin: 'pull' });
    expect(out.success).toBe(false);
    expect(out.error!.issues[0]).toMatchObject({ path: ['code'], message: 'a VOD failure carries its code' });
  });

  it('have a retry path only where the pipeline can start over', () => {
    expect(
      Object.entries(RETRY_PATH)
        .filter(([, p]) => p === undefined)
        .map(([o]) => o),
    ).toEqual(['poll', 'deadline', 'stalled']);
    // vodflow's own codes are not retryable either: giving up is final.
    expect(classify(DEADLINE_CODE).retryable).toBe(false);
    expect(classify(STALLED_CODE).retryable).toBe(false);
  });
});
