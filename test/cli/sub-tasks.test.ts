// The display's GetTaskInfo budget: at most READS_PER_MINUTE reads a minute (after a burst of
// BURST) however many displays ask and how often, shared fairly (stalest watched task first).
// The reader here is a counting function on a hand-moved clock: the budget is pure bookkeeping;
// the end-to-end effect (a display no longer starves the pipeline's quota) is
// test/functions/callbacks.test.ts.
import { describe, expect, it } from 'vitest';
import { BURST, budgeted, READS_PER_MINUTE, type SubTask, TASK_REFRESH_MS } from '../../cli/process/sub-tasks';

/** A running state, numbered by the read that returned it. */
const rows = (n: number): SubTask[] => [{ label: `read ${n}`, status: 'PROCESSING' }];
const states = (...statuses: string[]): SubTask[] => statuses.map((status, i) => ({ label: `Transcode ${i}`, status }));

function rig() {
  let t = 1_000_000;
  const reads: string[] = [];
  const source = budgeted(
    async (id) => {
      reads.push(id);
      return rows(reads.length);
    },
    READS_PER_MINUTE,
    () => t,
  );
  return { source, reads, tick: (ms: number) => (t += ms) };
}

describe('budgeted sub-task reads', () => {
  it('one task asked every 250 ms is read once per TASK_REFRESH_MS', async () => {
    const { source, reads, tick } = rig();
    for (let i = 0; i < 240 * 10; i++) {
      await source('task-a');
      tick(250);
    }
    const expected = (10 * 60_000) / TASK_REFRESH_MS;
    expect(reads.length).toBeGreaterThanOrEqual(expected - 1);
    expect(reads.length).toBeLessThanOrEqual(expected + 1);
  });

  it('many tasks asked every 250 ms share READS_PER_MINUTE, in turn, after one burst', async () => {
    const { source, reads, tick } = rig();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let i = 0; i < 240 * 10; i++) {
      for (const id of ids) await source(id);
      tick(250);
    }
    expect(reads.length).toBeLessThanOrEqual(READS_PER_MINUTE * 10 + BURST);
    expect(reads.length).toBeGreaterThanOrEqual(READS_PER_MINUTE * 10 - 1);
    const counts = ids.map((id) => reads.filter((r) => r === id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('a page opened while a list is being watched is read at once (the burst)', async () => {
    const { source, reads, tick } = rig();
    for (let i = 0; i < 40; i++) {
      await source('listed');
      tick(250);
    }
    const before = reads.length;
    expect((await source('opened'))[0]!.label).toBe(`read ${before + 1}`);
  });

  it('between reads a task sees its last state, not an empty list', async () => {
    const { source, tick } = rig();
    const first = await source('task-a');
    tick(100);
    expect(await source('task-a')).toBe(first);
    expect(first[0]!.label).toBe('read 1');
  });

  it('a task nobody watches any more does not hold the next read back', async () => {
    const { source, reads, tick } = rig();
    await source('gone');
    tick(10_000);
    await source('here');
    expect(reads).toEqual(['gone', 'here']);
  });

  it('a settled state is never read again; a running one is re-read at once when its job is known finished', async () => {
    let t = 0;
    const answers = [states('PROCESSING', 'WAITING'), states('SUCCESS', 'FAIL'), states('SUCCESS', 'SUCCESS')];
    let reads = 0;
    const source = budgeted(
      async () => answers[Math.min(reads++, answers.length - 1)]!,
      READS_PER_MINUTE,
      () => t,
    );
    expect((await source('task')).map((r) => r.status)).toEqual(['PROCESSING', 'WAITING']);
    t += 100;
    expect((await source('task')).map((r) => r.status)).toEqual(['PROCESSING', 'WAITING']); // within TASK_REFRESH_MS
    t += 100;
    expect((await source('task', { finished: true })).map((r) => r.status)).toEqual(['SUCCESS', 'FAIL']);
    t += 4 * 60_000; // long past TASK_REFRESH_MS, still watched
    expect((await source('task')).map((r) => r.status)).toEqual(['SUCCESS', 'FAIL']);
    expect(reads).toBe(2);
  });
});
