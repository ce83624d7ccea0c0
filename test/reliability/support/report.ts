// The figures of each scenario, merged into test/reliability/REPORT.md. Test files run in
// parallel forks, so each one adds its own row under a lock (an atomic mkdir) and the whole file
// is rewritten from the data kept at its end. Written only when REPORT_ENABLED.
import { cpus, freemem, totalmem, platform, release } from 'node:os';
import { mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_ENABLED, SCALE, type Scale } from './scale';

export const REPORT_FILE = fileURLToPath(new URL('../REPORT.md', import.meta.url));

export interface ScenarioFigures {
  /** Requests sent at the system under test (VOD calls by the stack, or hostile requests by the test). */
  requestsTried: number;
  faultsInjected: number;
  jobsHeld: number;
  succeeded: number;
  failed: number;
  lost: number;
  duplicated: number;
  crashes: number;
  http5xx: number;
  maxAttempts: number;
  /** In words: what the timestamps showed (e.g. "poll gaps 1.0→3.9 s; retry gap median 180 ms"). */
  backoff: string;
  /** Anything else worth a line. */
  notes?: string[];
}

interface Row extends ScenarioFigures {
  scenario: string;
  title: string;
  scale: Scale;
  date: string;
  seconds: number;
}

const DATA_MARK = '<!-- reliability-data ';
const LOCK = `${REPORT_FILE}.lock`;

function readRows(): Row[] {
  try {
    const text = readFileSync(REPORT_FILE, 'utf8');
    const at = text.lastIndexOf(DATA_MARK);
    if (at < 0) return [];
    return JSON.parse(text.slice(at + DATA_MARK.length, text.indexOf(' -->', at))) as Row[];
  } catch {
    return [];
  }
}

function machine(): string {
  const cpu = cpus();
  return `${platform()} ${release()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM (${(freemem() / 1024 ** 3).toFixed(0)} free at write), Node ${process.version}`;
}

const cell = (v: unknown) => String(v).replaceAll('|', '\\|');

function render(rows: Row[]): string {
  const order = [
    'faults',
    'task-steps',
    'crash',
    'crash-upload',
    'restart-ports',
    'duplicates',
    'poison',
    'names-overwrites',
    'emulator-fuzz',
    'http-api',
    'webhook',
    'secrets',
    'ssrf',
    'damaged-state',
  ];
  const rank = (r: Row) => (order.includes(r.scenario) ? order.indexOf(r.scenario) : order.length);
  rows.sort((a, b) => rank(a) - rank(b) || a.scenario.localeCompare(b.scenario));
  const head = [
    '# vodflow reliability report',
    '',
    'Written by `npm run test:reliability` (RELIABILITY_SCALE=full) or any run with `RELIABILITY_REPORT=1`;',
    'each scenario replaces its own row. Sources: `test/reliability/`. "lost" = a job accepted but not',
    'terminal with its event delivered at the end; "duplicated" = extra downstream events (by event id',
    'or by jobId) plus VOD work started twice where the scenario forbids it.',
    '',
    `Machine: ${machine()}.`,
    '',
    '| scenario | scale | date | s | requests tried | faults injected | jobs held | succeeded | failed | lost | duplicated | crashes | 5xx | max attempts | backoff observed |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const lines = rows.map(
    (r) =>
      `| ${[r.title, r.scale, r.date, r.seconds, r.requestsTried, r.faultsInjected, r.jobsHeld, r.succeeded, r.failed, r.lost, r.duplicated, r.crashes, r.http5xx, r.maxAttempts, r.backoff].map(cell).join(' | ')} |`,
  );
  const notes = rows.filter((r) => r.notes?.length).flatMap((r) => ['', `**${r.title}**`, '', ...r.notes!.map((n) => `- ${n}`)]);
  return [...head, ...lines, '', '## Notes', ...notes, '', `${DATA_MARK}${JSON.stringify(rows)} -->`, ''].join('\n');
}

async function withLock<T>(work: () => T): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than 30 s belongs to a dead run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 30_000) rmdirSync(LOCK);
      } catch {
        // gone meanwhile
      }
      if (Date.now() > until) throw new Error(`could not lock ${LOCK}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return work();
  } finally {
    rmdirSync(LOCK);
  }
}

/** Adds (or replaces) one scenario's row; a no-op unless reporting is enabled. */
export async function recordScenario(scenario: string, title: string, startedAt: number, figures: ScenarioFigures): Promise<void> {
  if (!REPORT_ENABLED) return;
  const row: Row = {
    scenario,
    title,
    scale: SCALE,
    date: new Date().toISOString().slice(0, 16).replace('T', ' '),
    seconds: Math.round((Date.now() - startedAt) / 1000),
    ...figures,
  };
  await withLock(() => {
    const rows = readRows().filter((r) => r.scenario !== scenario);
    rows.push(row);
    const tmp = `${REPORT_FILE}.${process.pid}.tmp`;
    writeFileSync(tmp, render(rows));
    renameSync(tmp, REPORT_FILE);
  });
}

export const reportPath = () => path.relative(process.cwd(), REPORT_FILE);
