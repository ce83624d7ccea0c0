// The display's GetTaskInfo budget: at most READS_PER_MINUTE reads a minute however many
// displays ask and how often, shared fairly (stalest watched task first). The reader here is a
// counting function on a hand-moved clock: the budget is pure bookkeeping, and the end-to-end
// effect (a display no longer starves the pipeline's quota) is test/functions/callbacks.test.ts.
import { describe, expect, it } from 'vitest';
import { budgeted, READS_PER_MINUTE, type SubTask } from '../../cli/process/sub-tasks';

const rows = (n: number): SubTask[] => [{ label: 'Transcode 20', status: `READ ${n}` }];

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
  it('asking every 250 ms for a minute reads at most READS_PER_MINUTE times', async () => {
    const { source, reads, tick } = rig();
    for (let i = 0; i < 240; i++) {
      await source('task-a');
      tick(250);
    }
    expect(reads.length).toBe(READS_PER_MINUTE);
  });

  it('between reads a task sees its last state, not an empty list', async () => {
    const { source, tick } = rig();
    const first = await source('task-a');
    tick(100);
    expect(await source('task-a')).toBe(first);
    expect(first[0]!.status).toBe('READ 1');
  });

  it('several watched tasks share the budget in turn, the stalest first', async () => {
    const { source, reads, tick } = rig();
    const ids = ['a', 'b', 'c', 'd'];
    for (let round = 0; round < 120; round++) {
      for (const id of ids) await source(id);
      tick(500);
    }
    expect(reads.length).toBe(READS_PER_MINUTE);
    const counts = ids.map((id) => reads.filter((r) => r === id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('a task nobody watches any more does not hold the next read back', async () => {
    const { source, reads, tick } = rig();
    await source('gone');
    tick(10_000);
    await source('here');
    expect(reads).toEqual(['gone', 'here']);
  });
});
