// State survives a restart; a task interrupted by close() is run again at the next start and
// finishes (never stuck in PROCESSING).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { makeClip } from '../../emulator/media/fixtures';
import { api, uploadFile, waitTask } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'emu-restart-'));
const running: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  const emu = await startEmulator({ dataDir: join(dir, 'data'), env: false, log: false });
  running.push(emu);
  return emu;
};

describe('restart', () => {
  it('keeps files, classes and tasks, and resumes an interrupted task', async () => {
    const first = await start();
    const clip = await makeClip({ path: join(dir, 'clip.mp4'), seconds: 4, width: 640, height: 360 });
    const { fileId } = await uploadFile(first.endpoint, readFileSync(clip), 'clip.mp4', 64 * 1024);
    const { newClassId } = await api(first.endpoint, 'CreateClass', { className: 'kept' });
    const { vodTaskId } = await api(first.endpoint, 'ProcessFile', { fileId, transcode: { definition: [20, 30, 220] } });
    for (let i = 0; i < 200 && (await api(first.endpoint, 'GetTaskInfo', { vodTaskId })).status !== 'PROCESSING'; i++)
      await new Promise((r) => setTimeout(r, 20));
    await first.close();

    const saved = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8'));
    expect(saved.tasks[vodTaskId].status).toBe('PROCESSING');

    const second = await start();
    expect(second.url).not.toBe(first.url);
    const info = await waitTask(second.endpoint, vodTaskId, 60_000);
    expect(info.data.errCode).toBe(0);
    expect(info.data.processTaskList).toHaveLength(3);
    // URLs are rendered with the new address.
    const { playSet } = await api(second.endpoint, 'DescribeVodPlayUrls', { fileId });
    expect(playSet.map((p: { url: string }) => p.url.startsWith(second.url))).toEqual([true, true, true, true]);
    expect((await fetch(playSet[1].url)).status).toBe(200);
    const classes = await api(second.endpoint, 'DescribeClass');
    expect(classes.data.map((c: { id: string }) => c.id)).toContain(newClassId);
  });
});
