// The report in two forms: REPORT.md for people, report.json for machines (CI, trend lines).
// `--only` re-measures some sections and keeps the others from the last report, so every section
// says when and at what load it was measured.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Section } from './measure';
import type { ProfileSummary, Share } from './profile';

export interface Report {
  generatedAt: string;
  /** When `--only` last replaced sections of this report. */
  updatedAt?: string;
  quick: boolean;
  runtimeS: number;
  machine: Record<string, unknown>;
  sections: ReportSection[];
}

export type ReportSection = Section & {
  /** The SECTIONS key that measured it. */
  name?: string;
  seconds: number;
  measuredAt?: string;
  loadAverage?: string;
  error?: string;
};

/**
 * `fresh` merged into the report at `jsonPath`: the re-measured sections replace their earlier
 * selves in place, the rest stay as measured then (a quick or unreadable report is not kept).
 */
export function mergeReport(fresh: Report, jsonPath: string, order: readonly string[]): Report {
  if (fresh.quick || !existsSync(jsonPath)) return fresh;
  let old: Report;
  try {
    old = JSON.parse(readFileSync(jsonPath, 'utf8')) as Report;
  } catch {
    return fresh;
  }
  if (old.quick) return fresh;
  const byName = new Map<string, ReportSection>();
  for (const s of old.sections) if (s.name) byName.set(s.name, s);
  for (const s of fresh.sections) if (s.name) byName.set(s.name, s);
  const sections = order.flatMap((name) => byName.get(name) ?? []);
  return { ...fresh, generatedAt: old.generatedAt, runtimeS: old.runtimeS, updatedAt: fresh.generatedAt, sections } as Report;
}

const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? '✅ met' : '❌ missed');

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const lines = [
    '# vodflow benchmarks',
    '',
    `Generated ${report.generatedAt} by \`npm run bench${report.quick ? ' -- --quick' : ''}\` in ${report.runtimeS} s${report.updatedAt ? `; sections re-measured with \`--only\` up to ${report.updatedAt}` : ''}.`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.platform}; load average at start ${m.loadAverage}.`,
    '',
    'Every figure is a median of several runs; every comparison was measured in the same run, interleaved, and is given as a ratio.',
    '',
  ];
  const goals = report.sections.flatMap((s) => s.figures.filter((f) => f.met !== undefined));
  lines.push(
    `Goals: ${goals.filter((f) => f.met).length} met, ${goals.filter((f) => !f.met).length} missed${report.sections.some((s) => s.error) ? `; ${report.sections.filter((s) => s.error).length} section(s) failed to run` : ''}.`,
    '',
  );
  for (const s of report.sections) {
    const when = s.measuredAt ? `, measured ${s.measuredAt} at load ${s.loadAverage}` : '';
    lines.push(`## ${s.title}`, '', `_${s.seconds} s${when}_`, '');
    if (s.error) lines.push(`**This section failed:** ${s.error}`, '');
    if (s.figures.length) {
      lines.push('| measure | value | goal | | note |', '|---|---:|---|---|---|');
      for (const f of s.figures)
        lines.push(`| ${f.name} | ${f.value} ${f.unit} | ${f.goal ?? ''} | ${mark(f.met)} | ${(f.note ?? '').replaceAll('|', '\\|')} |`);
      lines.push('');
    }
    for (const n of s.notes ?? []) lines.push(`- ${n}`);
    if (s.notes?.length) lines.push('');
    if (s.profile) lines.push(...renderProfile(s.profile));
  }
  return `${lines.join('\n')}\n`;
}

function renderProfile(p: ProfileSummary): string[] {
  const list = (shares: Share[]) => shares.map((x) => `${x.name} ${x.pct} %`).join('; ');
  return [
    '### Profile',
    '',
    `CPU profile of the measured phase (V8 sampling profiler, 1 ms): ${p.busyMs} ms of CPU on the stack's thread, idle ${p.idlePct} % of the time. ${p.sources.join('; ')}.`,
    '',
    `- **By component** (the sampled function's nearest owner up the stack; SDK, zod, JSON and Node frames count for the code that called them): ${list(p.components)}.`,
    `- **By kind of work** (the sampled function itself): ${list(p.kinds)}.`,
    '',
    '| hottest functions (self time) | share |',
    '|---|---:|',
    ...p.top.map((t) => `| \`${t.name.replaceAll('|', '\\|')}\` | ${t.pct} % |`),
    '',
  ];
}

export function writeReport(report: Report, mdPath: string, jsonPath: string): void {
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(mdPath, renderMarkdown(report));
}
