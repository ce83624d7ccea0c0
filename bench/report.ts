// The report in two forms: REPORT.md for people, report.json for machines (CI, trend lines).
import { writeFileSync } from 'node:fs';
import type { Section } from './measure';
import type { ProfileSummary, Share } from './profile';

export interface Report {
  generatedAt: string;
  quick: boolean;
  runtimeS: number;
  machine: Record<string, unknown>;
  sections: Array<Section & { seconds: number; error?: string }>;
}

const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? '✅ met' : '❌ missed');

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const lines = [
    '# vodflow benchmarks',
    '',
    `Generated ${report.generatedAt} by \`npm run bench${report.quick ? ' -- --quick' : ''}\` in ${report.runtimeS} s.`,
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
    lines.push(`## ${s.title}`, '', `_${s.seconds} s_`, '');
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
