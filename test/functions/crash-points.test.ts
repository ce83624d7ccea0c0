// A handler killed right after an external write — the VOD call, the task index, the terminal
// write, the event's send — still ends its job in exactly one true event (one copy on the events
// queue), within seconds of the redelivery. The
// whole matrix (every handler × every write) is test/reliability/crash-points.test.ts.
import '../support/quiet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenarios, verdict, type Scenario } from '../support/crash-scenarios';
import { startHarness, type Harness } from './harness';

let h: Harness;
let drainEvents: (ctx: { getRemainingTimeInMillis(): number }) => Promise<unknown>;
beforeAll(async () => {
  h = await startHarness({ pullEventHoldMs: 200 });
  h.env({ PULL_EVENTS_RESERVE_MS: '1000' });
  drainEvents = (await import('../../functions/pull-events')).drainEvents;
});
afterAll(async () => h?.close());

describe('crash right after a write', () => {
  it('converges to one true terminal event for the crashes that used to strand a job', async () => {
    const scenarios: Scenario[] = [
      { label: 'upload', after: 2, clip: 'good' }, // MultiPullVodFile answered, nothing recorded
      { label: 'upload', after: 3, clip: 'good' }, // pull task indexed, job not moved
      { label: 'process', after: 3, clip: 'good' }, // procedure indexed, job not moved
      { label: 'result:procedure', after: 2, clip: 'good' }, // SUCCEEDED written, event not sent
      { label: 'classify', after: 1, clip: 'broken' }, // FAILED written (no claim before it), event not sent
      // Event sent, its delivery not recorded: the retry sends it again, the FIFO queue drops the copy.
      { label: 'result:procedure', after: 3, clip: 'good' },
      { label: 'classify', after: 2, clip: 'broken' },
    ];
    const { results, rig } = await runScenarios(h, drainEvents, scenarios, { timeoutMs: 90_000, tag: 'crash-subset' });
    expect(results.map((r) => r.fired?.write)).toEqual([
      'VOD:MultiPullVodFile',
      'PutItem',
      'PutItem',
      'UpdateItem',
      'UpdateItem',
      'SendMessage',
      'SendMessage',
    ]);
    // The two SendMessage crashes are the events queue's, right after the terminal write that
    // also leased the delivery: the queues' own 180 s visibility timeout brings a dead holder's
    // record back inside the deduplication window, so no visibility change comes between.
    for (const r of results.slice(5))
      expect(rig.firstWrites.get(`${r.label}:${r.jobId}`)?.slice(r.after - 2, r.after)).toEqual(['UpdateItem', 'SendMessage']);
    expect(results.map((r) => verdict(r) ?? 'ok')).toEqual(results.map(() => 'ok'));
  }, 120_000);
});
