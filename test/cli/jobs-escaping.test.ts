// Object keys are user data: `vodflow jobs list/show` never pass a key's escapes (ANSI CSI, OSC 8
// hyperlinks, bell, bidi overrides) to the operator's terminal, and `--json` is valid Unicode.
import { describe, expect, it } from 'vitest';
import { printable, terminalJson } from '../../cli/jobs/format';
import { renderJobList } from '../../cli/jobs/list';
import { renderJob } from '../../cli/jobs/show';
import { redacted } from '../../emulator/events/bus';
import { jobSchema, type Job } from '../../lib/jobs/types';

const HOSTILE = 'uploads/up-x/\u001b[2J\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 \u009b31m \u202Egnp.mp4 \ud800 😀.mp4';
const TERMINAL_CONTROLS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('jobs output escaping', () => {
  it('list and show print no control characters, bidi override or lone surrogate, and keep emoji', () => {
    const list = renderJobList({
      rows: [{ jobId: 'up-x', status: 'FAILED', attempts: 1, updatedAt: '2026-12-01T10:00:00.000Z', source: HOSTILE }],
      matched: 1,
      truncated: false,
      unreadable: 0,
    });
    const job: Job = jobSchema.parse({
      jobId: 'up-x',
      kind: 'job',
      status: 'QUEUED',
      attempt: 1,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      source: { bucket: 'b', key: HOSTILE },
      ttl: 1_800_000_000,
    });
    for (const text of [list, renderJob(job)]) {
      expect(text).not.toMatch(TERMINAL_CONTROLS);
      expect(text).toContain('\\u001b');
    }
    expect(renderJob(job)).toContain('😀.mp4');
    expect(printable('plain ü 名字')).toBe('plain ü 名字');
  });

  it('--json has no lone surrogate and no raw C1 control, and is the same value otherwise', () => {
    const text = terminalJson({ key: HOSTILE });
    expect(text).not.toMatch(/\\ud800|[\u0080-\u009f]/);
    expect(JSON.parse(text).key).toBe(HOSTILE.replace('\ud800', '\uFFFD'));
  });

  it('the emulator logs a callback URL without its token', () => {
    expect(redacted('http://127.0.0.1:3000/vod/callback/0123456789abcdef0123456789abcdef?x=1')).toBe(
      'http://127.0.0.1:3000/vod/callback/<redacted>?<redacted>',
    );
  });
});
