// Bounded concurrency, per-task time limit, caller aborts and close(): every process the engine
// started is gone (reaped) afterwards and nothing half-written stays in the output folder.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaEngine, MediaSystemError } from '../../../emulator/media';
import { makeClip } from '../../../emulator/media/fixtures';
import { runningPids } from '../../../emulator/media/run';
import { processGone } from './helpers';

let dir: string;
let clip: string; // 160x120, 1 s
let longer: string; // 320x240, 10 s: a transcode that lasts long enough to be interrupted
let fifo: string; // ffprobe blocks opening a FIFO nobody writes: a job that never ends by itself
const engines: Array<{ close(): Promise<void> }> = [];

const engineWith = (opts: Parameters<typeof createMediaEngine>[0]) => {
  const e = createMediaEngine(opts);
  engines.push(e);
  return e;
};

async function firstPid(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const [pid] = runningPids();
    if (pid) return pid;
    await sleep(10);
  }
  throw new Error('no process started');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vodflow-lifecycle-'));
  [clip, longer] = await Promise.all([
    makeClip({ path: join(dir, 'clip.mp4'), seconds: 1, width: 160, height: 120 }),
    makeClip({ path: join(dir, 'longer.mp4'), seconds: 10, width: 320, height: 240 }),
  ]);
  fifo = join(dir, 'never.mp4');
  execFileSync('mkfifo', [fifo]);
});

afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('media engine lifecycle', () => {
  it('runs at most `concurrency` processes at once', async () => {
    const one = engineWith({ concurrency: 1 });
    const infos = await Promise.all(Array.from({ length: 4 }, () => one.probeSource(clip)));
    expect(infos.every((i) => i.width === 160)).toBe(true);
    expect(one.stats()).toMatchObject({ concurrency: 1, maxActive: 1, active: 0, queued: 0 });
    const two = engineWith({ concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => two.probeSource(clip)));
    expect(two.stats().maxActive).toBeLessThanOrEqual(2);
    expect(two.stats().completed).toBe(6);
  });

  it('a task over its time limit fails with a system error and its process is killed', async () => {
    const quick = engineWith({ taskTimeoutMs: 200 });
    const started = Date.now();
    const probing = quick.probeSource(fifo).catch((e: unknown) => e);
    const pid = await firstPid();
    const err = await probing;
    expect(err).toBeInstanceOf(MediaSystemError);
    expect(err).toMatchObject({ kind: 'timeout', code: 30010, step: 'probe-source' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(processGone(pid)).toBe(true);
    expect(runningPids()).toEqual([]);
  });

  it('close() kills running processes, rejects their tasks and refuses new ones', async () => {
    const engine = engineWith({});
    const probing = engine.probeSource(fifo).catch((e: unknown) => e);
    const pid = await firstPid();
    await engine.close();
    expect(await probing).toMatchObject({ name: 'MediaSystemError', kind: 'closed' });
    expect(processGone(pid)).toBe(true);
    await expect(engine.probeSource(clip)).rejects.toMatchObject({ kind: 'closed' });
  });

  it("the caller's signal aborts a transcode mid-way and leaves no partial output", async () => {
    const engine = engineWith({});
    const outDir = join(dir, 'aborted');
    await mkdir(outDir);
    const ac = new AbortController();
    const transcoding = engine.transcode(longer, 20, outDir, { signal: ac.signal }).catch((e: unknown) => e);
    // The staging folder appears right before ffmpeg starts writing into it.
    for (let i = 0; i < 500 && !(await readdir(outDir)).some((n) => n.startsWith('.staging-')); i++) await sleep(5);
    const pid = await firstPid();
    ac.abort();
    expect(await transcoding).toMatchObject({ name: 'MediaSystemError', kind: 'aborted' });
    expect(processGone(pid)).toBe(true);
    expect(await readdir(outDir)).toEqual([]);
  });
});
