// The bench's CPU profile summary (`npm run bench -- --profile`): a real V8 profile of real work
// is attributed to the code that owns it, and the report renders it as a "Profile" subsection.
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { profiled } from '../../bench/profile';
import { renderMarkdown } from '../../bench/report';
import { parseParamString } from '../../emulator/wire';

const previous = process.env.BENCH_PROFILE;
afterEach(() => {
  if (previous === undefined) delete process.env.BENCH_PROFILE;
  else process.env.BENCH_PROFILE = previous;
});

const busy = async () => {
  const schema = z.object({ fileId: z.string().regex(/^\d+$/), definitions: z.array(z.number().int()) });
  const end = performance.now() + 300;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      schema.parse({ fileId: String(i), definitions: [20, 210] });
      parseParamString(`Action=DescribeClass&Nonce=${i}&Region=gz&fileId=${i}`, { maxParams: 100 });
      n++;
    }
    await new Promise((r) => setImmediate(r));
  }
  return n;
};

describe('bench CPU profile', () => {
  it('runs the work unprofiled unless BENCH_PROFILE=1', async () => {
    delete process.env.BENCH_PROFILE;
    const { result, profile } = await profiled('off', busy);
    expect(result).toBeGreaterThan(0);
    expect(profile).toBeUndefined();
  });

  it('attributes sampled time to zod, to the emulator code that ran, and lists the hottest functions', { timeout: 20_000 }, async () => {
    process.env.BENCH_PROFILE = '1';
    const { result, profile } = await profiled('test work', busy);
    expect(result).toBeGreaterThan(0);
    expect(profile).toBeDefined();
    const p = profile!;
    expect(p.busyMs).toBeGreaterThan(50);
    expect(p.sources[0]).toMatch(/^test work: \d+ ms busy of \d+ ms$/);
    expect(p.kinds.map((k) => k.name)).toContain('zod (validation)');
    expect(p.components.map((c) => c.name)).toContain('VOD emulator');
    const total = p.kinds.reduce((sum, k) => sum + k.pct, 0);
    expect(total).toBeLessThanOrEqual(100.5);
    expect(p.top.length).toBeGreaterThan(0);

    const md = renderMarkdown({
      generatedAt: 'now',
      quick: true,
      runtimeS: 1,
      machine: { cores: 2 },
      sections: [{ title: 'S', figures: [], seconds: 1, profile: p }],
    });
    expect(md).toContain('### Profile');
    expect(md).toContain('zod (validation)');
    expect(md).toMatch(/\| `[^`]+` \| [\d.]+ % \|/);
  });
});
