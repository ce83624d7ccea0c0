// Runs jobs side by side, each with one planned crash (a handler killed right after its n-th
// external write), through the real handlers, stand-ins and emulator in reliable-callback mode
// (so a task started by a crashed invocation still reports), and tells how each job ended.
import { jobs, type Job } from '../../lib/jobs';
import type { Harness } from '../functions/harness';
import { installCrashRig, type CrashRig, type Label } from './crash-points';
import { putObject } from './s3-notify';

export interface Scenario {
  label: Label;
  /** Crash after this many writes of the label's first invocation for the job (0: no crash). */
  after: number;
  clip: 'good' | 'broken';
}

export interface ScenarioResult extends Scenario {
  jobId: string;
  job?: Job;
  events: Array<{ id: string; type: string; subject: string; data: Record<string, unknown> }>;
  fired?: { write: string; at: number };
  /** ms from the crash to the job's terminal write (0 when the crash came after it). */
  recoveryMs?: number;
}

type Drain = (ctx: { getRemainingTimeInMillis(): number }) => Promise<unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const terminal = (j?: Job) => !!j && (j.status === 'SUCCEEDED' || j.status === 'FAILED') && (j.eventDeliveredTo ?? []).includes('sqs');

export async function runScenarios(
  h: Harness,
  drainEvents: Drain,
  scenarios: Scenario[],
  { timeoutMs = 120_000, tag = 'crash', rig: given }: { timeoutMs?: number; tag?: string; rig?: CrashRig } = {},
) {
  h.emu.setCallback(undefined, 'reliable');
  const rig: CrashRig = given ?? installCrashRig();
  try {
    const ids: string[] = [];
    for (const [i, s] of scenarios.entries()) {
      const key = `${tag}/${s.label.replace(':', '-')}-${s.after}-${i}.mp4`;
      await putObject(h.stack, key, s.clip === 'good' ? h.goodClip : h.brokenClip);
      const jobId = await h.jobIdOf(key);
      ids.push(jobId);
      if (s.after > 0) rig.plan.set(`${s.label}:${jobId}`, s.after);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = await rig.pump(h.stack, h.handlers);
      await rig.drain(drainEvents);
      const all = await Promise.all(ids.map((id) => jobs().getJob(id)));
      if (all.every(terminal)) break;
      if (Date.now() > deadline) break;
      if (!busy) await sleep(150);
    }
    // Stragglers (a second task's result, a late redelivery) run through before counting.
    const quietUntil = Date.now() + 2_000;
    while (Date.now() < quietUntil) if (!(await rig.pump(h.stack, h.handlers))) await sleep(150);
    const events = (await h.events()) as ScenarioResult['events'];
    return {
      rig,
      results: await Promise.all(
        scenarios.map(async (s, i): Promise<ScenarioResult> => {
          const jobId = ids[i]!;
          const job = await jobs().getJob(jobId);
          const fired = rig.fired.find((f) => f.jobId === jobId && f.label === s.label);
          const end = job?.finishedAt ? Date.parse(job.finishedAt) : undefined;
          return {
            ...s,
            jobId,
            job,
            events: events.filter((e) => e.subject === jobId),
            fired: fired && { write: fired.write, at: fired.at },
            recoveryMs: fired && end ? Math.max(0, end - fired.at) : undefined,
          };
        }),
      ),
    };
  } finally {
    if (!given) rig.uninstall();
    h.emu.setCallback(undefined, 'none');
  }
}

/** What a scenario must end in: exactly one event, the true one for its clip, matching the job. */
export function verdict(r: ScenarioResult): string | undefined {
  const want = r.clip === 'good' ? 'vodflow.video.ready' : 'vodflow.video.failed';
  // Two different events would be a lie; the same event twice a duplicate. A crash between
  // sending the event and recording it sends it again, with the same id: the FIFO events queue
  // drops that repeat, so consumers see one copy.
  const ids = new Set(r.events.map((e) => e.id));
  if (ids.size !== 1) return `${ids.size} distinct events`;
  if (r.events.length !== 1) return `${r.events.length} copies of ${r.events[0]!.id}`;
  const [e] = r.events;
  if (e!.type !== want)
    return `${e!.type} instead of ${want}${e!.data.error ? ` (${JSON.stringify((e!.data.error as { cause?: string }).cause)})` : ''}`;
  if (r.job?.status !== (r.clip === 'good' ? 'SUCCEEDED' : 'FAILED')) return `job ${r.job?.status}`;
  if (r.clip === 'good' && e!.data.fileId !== r.job.fileId) return 'event names another file than the job';
  if (r.clip === 'broken' && (e!.data.error as { cause?: string }).cause === 'stalled') return 'failed as stalled';
  return undefined;
}
