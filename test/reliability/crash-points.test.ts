// Every handler killed right after each of its external writes (every DynamoDB write, SQS send
// and VOD action of its first invocation for a job), one job per crash point, all at once: each
// job ends in exactly one true terminal event, and the report carries the crash points tried and
// the recovery time. Calibrated first: one clean good job and one broken one say how many writes
// each handler makes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../functions/harness';
import { installCrashRig, type Label } from '../support/crash-points';
import { runScenarios, verdict, type Scenario, type ScenarioResult } from '../support/crash-scenarios';
import { recordScenario } from './support/report';
import { SCALE } from './support/scale';

let h: Harness;
let drainEvents: (ctx: { getRemainingTimeInMillis(): number }) => Promise<unknown>;
const started = Date.now();
const results: ScenarioResult[] = [];

beforeAll(async () => {
  if (SCALE !== 'full') return;
  h = await startHarness({ pullEventHoldMs: 200, mediaConcurrency: 2 });
  h.env({ PULL_EVENTS_RESERVE_MS: '1000' });
  drainEvents = (await import('../../functions/pull-events')).drainEvents;
});
afterAll(async () => {
  if (SCALE !== 'full') return;
  // A run that stopped before the matrix ran has no figures: its row would read as 0 lost.
  if (!results.length) return h?.close();
  const fired = results.filter((r) => r.fired);
  const recoveries = fired
    .map((r) => r.recoveryMs ?? Number.NaN)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const bad = results.filter((r) => verdict(r));
  await recordScenario('crash-points', 'Crash right after each external write of each handler', started, {
    requestsTried: results.length,
    faultsInjected: fired.length,
    jobsHeld: results.length - bad.length,
    succeeded: results.filter((r) => r.job?.status === 'SUCCEEDED').length,
    failed: results.filter((r) => r.job?.status === 'FAILED').length,
    lost: results.filter((r) => r.events.length === 0).length,
    // Two events for one job: different ones, or copies of one (the FIFO queue must drop those).
    duplicated: results.filter((r) => r.events.length > 1).length,
    crashes: fired.length,
    http5xx: 0,
    maxAttempts: Math.max(0, ...results.map((r) => r.job?.attempt ?? 0)),
    backoff: `recovery after a crash (lease 6 s, record back after 7 s): median ${Math.round(recoveries[Math.floor(recoveries.length / 2)] ?? 0)} ms, max ${Math.round(recoveries.at(-1) ?? 0)} ms`,
    notes: [
      `copies of one event id that reached the events queue's consumer: ${results.filter((r) => r.events.length > new Set(r.events.map((e) => e.id)).size).length} (a crash right after the send repeats it; the FIFO queue drops the repeat by event id)`,
      ...results.map(
        (r) => `${r.label} after write ${r.after} (${r.fired?.write ?? 'not reached'}): ${verdict(r) ?? `ok, ${r.events[0]?.type}`}`,
      ),
    ],
  });
  await h?.close();
});

const WAVE = 8;
const GOOD: Label[] = ['ingest', 'upload', 'process', 'poll:pull', 'poll:procedure', 'result:pull', 'result:procedure'];
const BROKEN: Label[] = ['poll:procedure', 'classify'];
// pull-events reports a task only where it is first to: its run slows the polls down.
const GOOD_PULLED: Label[] = ['pull-events:pull', 'pull-events:procedure'];
const BROKEN_PULLED: Label[] = ['pull-events:procedure'];

/** Calibrates (a good and a broken clip, no crash), then crashes every write of each label's first invocation. */
async function matrix(
  good: Label[],
  broken: Label[],
  tag: string,
  wave = WAVE,
): Promise<{ scenarios: Scenario[]; results: ScenarioResult[] }> {
  // One rig for the calibration and the crashes: its clients' middleware and VOD wrappers are installed once.
  const rig = installCrashRig();
  const ran: ScenarioResult[] = [];
  try {
    const calibration = await runScenarios(
      h,
      drainEvents,
      [
        { label: 'ingest', after: 0, clip: 'good' },
        { label: 'ingest', after: 0, clip: 'broken' },
      ],
      { tag: `${tag}-calibrate`, rig },
    );
    const [goodJob, brokenJob] = calibration.results.map((r) => r.jobId);
    const writes = (label: Label, jobId: string) => calibration.rig.firstWrites.get(`${label}:${jobId}`) ?? [];
    const scenarios: Scenario[] = [
      ...good.flatMap((label) => writes(label, goodJob!).map((_, i): Scenario => ({ label, after: i + 1, clip: 'good' }))),
      ...broken.flatMap((label) => writes(label, brokenJob!).map((_, i): Scenario => ({ label, after: i + 1, clip: 'broken' }))),
    ];
    // In waves: a few jobs at a time keep the emulator's media queue short, so each crash lands
    // in the invocation it is planned for.
    for (let i = 0; i < scenarios.length; i += wave) {
      const run = await runScenarios(h, drainEvents, scenarios.slice(i, i + wave), { timeoutMs: 120_000, tag: `${tag}-${i}`, rig });
      ran.push(...run.results);
    }
    return { scenarios, results: ran };
  } finally {
    rig.uninstall();
  }
}

// The whole matrix (~55 crash points, 3+ min) runs with RELIABILITY_SCALE=full (`npm run
// test:reliability`); `npm test` runs its subset, test/functions/crash-points.test.ts.
describe.runIf(SCALE === 'full')(`crash points: every handler × every external write (${SCALE})`, () => {
  it('ends every job in exactly one true terminal event', async () => {
    const handlers = await matrix(GOOD, BROKEN, 'points');
    results.push(...handlers.results);
    expect(handlers.scenarios.length).toBeGreaterThan(25);
    h.env({ PULL_EVENTS_RESERVE_MS: '1000', POLL_BASE_DELAY_S: '60' });
    // One job at a time: a drain's crash leaves its batch mates' events to come back as
    // duplicates, whose own planned crash would then never be reached.
    const pulled = await matrix(GOOD_PULLED, BROKEN_PULLED, 'pulled', 1).finally(() => h.env({ PULL_EVENTS_RESERVE_MS: '1000' }));
    results.push(...pulled.results);
    // Each report's send, its marker and the confirmation: for both clips' tasks.
    expect(pulled.scenarios.length).toBeGreaterThanOrEqual(6);
    if (process.env.RELIABILITY_DEBUG)
      for (const r of results)
        process.stderr.write(
          `${r.label}#${r.after} fired=${r.fired?.write} status=${r.job?.status} events=${r.events.length} recoveryMs=${r.recoveryMs} ${verdict(r) ?? ''}\n`,
        );
    expect(handlers.results.filter((r) => r.fired).length).toBeGreaterThan(handlers.scenarios.length * 0.8);
    expect(pulled.results.filter((r) => !r.fired).map((r) => `${r.label}#${r.after} (${r.clip})`)).toEqual([]);
    expect(results.filter((r) => verdict(r)).map((r) => `${r.label}#${r.after} (${r.fired?.write}): ${verdict(r)}`)).toEqual([]);
  }, 600_000);
});
