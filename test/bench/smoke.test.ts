// The benchmarks' smoke subset (`--quick`): seconds of work, no thresholds — it only proves that
// every section still runs and produces numbers, so the benchmarks never rot.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run';
import { SECTIONS } from '../../bench/sections';

const outDir = mkdtempSync(join(tmpdir(), 'vodflow-bench-smoke-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('runs every section and reports a number for every figure', { timeout: 240_000 }, async () => {
    const report = await runBench({ quick: true, outDir, log: () => {} });
    expect(report.sections.map((s) => s.error ?? 'ok')).toEqual(Object.keys(SECTIONS).map(() => 'ok'));
    for (const section of report.sections) {
      expect(section.figures.length, section.title).toBeGreaterThan(0);
      for (const f of section.figures) expect(Number.isFinite(f.value), `${section.title}: ${f.name}`).toBe(true);
    }
    expect(report.machine).toMatchObject({ cores: expect.any(Number), node: process.version });
    const json = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8'));
    expect(json.sections).toHaveLength(report.sections.length);
    expect(readFileSync(join(outDir, 'REPORT.md'), 'utf8')).toContain('Machine:');
  });
});
