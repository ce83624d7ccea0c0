// `npm run bench [-- --quick] [-- --only signer,upload] [-- --profile]`: every section in its own process, one
// after the other (they must not compete for the 2 cores), then bench/REPORT.md + report.json
// (`--only` replaces just those sections of the last full report).
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, type Section } from './measure';
import { startChild } from './proc';
import { mergeReport, writeReport, type Report } from './report';
import { SECTIONS, type SectionName } from './sections';

export interface RunOptions {
  quick: boolean;
  only?: SectionName[];
  /** CPU-profile the measured phase of the sections that support it (throughput, webhook, …). */
  profile?: boolean;
  /** Where REPORT.md and report.json go (default: bench/). */
  outDir?: string;
  log?: (line: string) => void;
}

export async function runBench(options: RunOptions): Promise<Report> {
  const loadAverage = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const names = options.only ?? (Object.keys(SECTIONS) as SectionName[]);
  const started = performance.now();
  const report: Report = {
    generatedAt: new Date().toISOString(),
    quick: options.quick,
    runtimeS: 0,
    machine: {
      ...machine(),
      loadAverage: loadAverage(),
    },
    sections: [],
  };
  for (const name of names) {
    log(`bench: ${name}${options.quick ? ' (quick)' : ''}…`);
    const t0 = performance.now();
    const measuredAt = new Date().toISOString();
    const load = loadAverage();
    const child = startChild<{ section?: Section; error?: string }>('./section-child.ts', {
      env: {
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(options.profile ? { BENCH_PROFILE: '1' } : {}),
      },
      args: [name, ...(options.quick ? ['--quick'] : [])],
    });
    let result: { section?: Section; error?: string };
    try {
      result = await child.next();
    } catch (error) {
      result = { error: (error as Error).message };
    }
    await child.stop();
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const section = result.section ?? { title: name, figures: [] };
    report.sections.push({
      ...section,
      name,
      seconds,
      measuredAt,
      loadAverage: load,
      ...(result.error ? { error: result.error.split('\n').slice(0, 6).join(' ') } : {}),
    });
    log(`bench: ${name} done in ${seconds} s${result.error ? ` — FAILED: ${result.error.split('\n')[0]}` : ''}`);
  }
  report.runtimeS = Math.round((performance.now() - started) / 1000);
  const outDir = options.outDir ?? fileURLToPath(new URL('.', import.meta.url));
  const jsonPath = join(outDir, 'report.json');
  const written = options.only ? mergeReport(report, jsonPath, Object.keys(SECTIONS)) : report;
  writeReport(written, join(outDir, 'REPORT.md'), jsonPath);
  log(
    `bench: wrote ${join(outDir, 'REPORT.md')} and report.json (${report.runtimeS} s${written !== report ? ', other sections kept' : ''})`,
  );
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const onlyArg = args.find((a) => a.startsWith('--only'));
  const onlyValue = onlyArg?.includes('=') ? onlyArg.split('=')[1] : onlyArg ? args[args.indexOf(onlyArg) + 1] : undefined;
  const only = onlyValue?.split(',').map((s) => s.trim()) as SectionName[] | undefined;
  const unknown = only?.filter((n) => !(n in SECTIONS));
  if (unknown?.length) {
    process.stderr.write(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}\n`);
    process.exit(2);
  }
  const report = await runBench({ quick: args.includes('--quick'), only, profile: args.includes('--profile') });
  const missed = report.sections.flatMap((s) => s.figures.filter((f) => f.met === false).map((f) => `${s.title}: ${f.name}`));
  process.stderr.write(missed.length ? `goals missed:\n  ${missed.join('\n  ')}\n` : 'every goal met\n');
  // Speed goals are reported, not enforced: only a section that failed to run fails the command.
  process.exitCode = report.sections.some((s) => s.error) ? 1 : 0;
}
