// A VOD task step failing with a code: a retryable one is redone and recovers; one that keeps
// failing stops at MAX_ATTEMPTS; a permanent one fails at once, explained, and is not retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeFigures, outcomeOf } from './support/figures';
import { recordScenario } from './support/report';
import { SCALE } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';

const MAX_ATTEMPTS = 3;
let s: RelStack;
const started = Date.now();
const rows: Array<{ name: string; jobId: string; redo: number; processFiles: number }> = [];

beforeAll(async () => {
  s = await startRelStack({ env: { MAX_ATTEMPTS: String(MAX_ATTEMPTS) } });
});
afterAll(async () => {
  const ids = rows.map((r) => r.jobId);
  const out = outcomeOf(ids, await s.jobs(), s.events);
  await recordScenario('task-steps', 'Task step failures: retryable, persistent, permanent', started, {
    requestsTried: s.proxy.calls.length,
    faultsInjected: s.local.emulator!.stats().faultsInjected.failStep ?? 0,
    ...outcomeFigures(out),
    crashes: 0,
    http5xx: 0,
    backoff: 'redo after RETRY_BASE_DELAY_S=1 with full jitter',
    notes: rows.map((r) => {
      const e = s.events.find((x) => x.subject === r.jobId);
      return `${r.name}: ${e?.type ?? 'no event'}, attempts ${e?.data.attempts}, RedoTask ×${r.redo}, ProcessFile ×${r.processFiles}${e?.data.error ? `, error ${e.data.error.code} ${e.data.error.cause} retryable=${e.data.error.retryable}` : ''}`;
    }),
  });
  await s?.close();
});

async function run(name: string, failStep: { taskType: string; code: number; times: number }) {
  s.local.emulator!.setFaults({ failStep });
  const before = s.proxy.calls.length;
  const jobId = await s.submit(`${name}.mp4`);
  const [job] = await s.settle([jobId], 60_000);
  s.local.emulator!.setFaults({});
  await s.local.waitForIdle({ timeoutMs: 10_000 });
  const calls = s.proxy.calls.slice(before).filter((c) => c.end === 'answered' && c.code === 0);
  const row = {
    name,
    jobId,
    redo: calls.filter((c) => c.action === 'RedoTask').length,
    processFiles: calls.filter((c) => c.action === 'ProcessFile').length,
  };
  rows.push(row);
  const events = s.events.filter((e) => e.subject === jobId);
  expect(events, `${name}: one event`).toHaveLength(1);
  return { job: job!, event: events[0]!, ...row };
}

describe(`task step failures (${SCALE})`, () => {
  it('a retryable code (-49101, verify-output) is redone once and succeeds', async () => {
    const r = await run('retryable', { taskType: 'Transcode', code: -49101, times: 1 });
    expect(r.job.status).toBe('SUCCEEDED');
    expect(r.event.type).toBe('vodflow.video.ready');
    expect(r.event.data.attempts).toBe(2);
    expect(r.redo).toBe(1);
    expect(r.processFiles).toBe(1);
  });

  it(`a retryable code that persists stops after ${MAX_ATTEMPTS} attempts, explained`, async () => {
    const r = await run('persistent', { taskType: 'Transcode', code: -49101, times: 10 });
    expect(r.job.status).toBe('FAILED');
    expect(r.event.data.attempts).toBe(MAX_ATTEMPTS);
    expect(r.redo).toBe(MAX_ATTEMPTS - 1);
    expect(r.event.data.error).toMatchObject({ code: -49101, retryable: true });
  });

  it('a permanent code (-45001, corrupt file in transcode) fails once and is not retried', async () => {
    const r = await run('permanent', { taskType: 'Transcode', code: -45001, times: 10 });
    expect(r.job.status).toBe('FAILED');
    expect(r.event.type).toBe('vodflow.video.failed');
    expect(r.event.data.attempts).toBe(1);
    expect(r.redo).toBe(0);
    expect(r.processFiles).toBe(1);
    expect(r.event.data.error).toMatchObject({ code: -45001, retryable: false, stage: 'transcode' });
    expect(r.event.data.error!.message_en.length).toBeGreaterThan(10);
    const view = (await s.api(`/jobs/${r.jobId}`)).json as { status: string; error: { code: number; action: string } };
    expect(view.status).toBe('FAILED');
    expect(view.error.code).toBe(-45001);
    expect(view.error.action.length).toBeGreaterThan(10);
  });
});
