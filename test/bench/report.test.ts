// `npm run bench -- --only X` re-measures X and keeps every other section of the last full report.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeReport, renderMarkdown, type Report } from '../../bench/report';

const report = (generatedAt: string, sections: Array<[string, number]>, quick = false): Report => ({
  generatedAt,
  quick,
  runtimeS: 100,
  machine: { cores: 2 },
  sections: sections.map(([name, value]) => ({
    name,
    title: `section ${name}`,
    seconds: 1,
    measuredAt: generatedAt,
    loadAverage: '0.10 0.20 0.30',
    figures: [{ name: 'x', value, unit: 'ms' }],
  })),
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const saved = (r: Report) => {
  const dir = mkdtempSync(join(tmpdir(), 'vodflow-bench-report-'));
  dirs.push(dir);
  const path = join(dir, 'report.json');
  writeFileSync(path, JSON.stringify(r));
  return path;
};

describe('mergeReport', () => {
  it('replaces the re-measured section in place and keeps the others as measured then', () => {
    const path = saved(
      report('2026-01-01T00:00:00Z', [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
    );
    const merged = mergeReport(report('2026-02-02T00:00:00Z', [['b', 20]]), path, ['a', 'b', 'c']);
    expect(merged.sections.map((s) => [s.name, s.figures[0]!.value, s.measuredAt])).toEqual([
      ['a', 1, '2026-01-01T00:00:00Z'],
      ['b', 20, '2026-02-02T00:00:00Z'],
      ['c', 3, '2026-01-01T00:00:00Z'],
    ]);
    expect(renderMarkdown(merged)).toContain('re-measured with `--only` up to 2026-02-02T00:00:00Z');
    expect(renderMarkdown(merged)).toContain('measured 2026-01-01T00:00:00Z at load 0.10 0.20 0.30');
  });

  it('never keeps sections of a quick run, and a quick run never merges', () => {
    const path = saved(
      report(
        '2026-01-01T00:00:00Z',
        [
          ['a', 1],
          ['b', 2],
        ],
        true,
      ),
    );
    expect(mergeReport(report('2026-02-02T00:00:00Z', [['b', 20]]), path, ['a', 'b']).sections.map((s) => s.name)).toEqual(['b']);
    const full = saved(
      report('2026-01-01T00:00:00Z', [
        ['a', 1],
        ['b', 2],
      ]),
    );
    expect(mergeReport(report('2026-02-02T00:00:00Z', [['b', 20]], true), full, ['a', 'b']).sections.map((s) => s.name)).toEqual(['b']);
  });
});
