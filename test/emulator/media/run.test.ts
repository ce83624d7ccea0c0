import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveBinaries } from '../../../emulator/media/binaries';
import { RunAbortedError, RunSpawnError, RunTimeoutError, runningPids, runProcess } from '../../../emulator/media/run';

const { ffmpeg, ffprobe } = resolveBinaries();
/** A job that would run for ten minutes. */
const LONG_JOB = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=600', '-f', 'null', '-'];

/** Gone means reaped too: a zombie keeps its /proc entry. */
const gone = (pid: number): boolean => !existsSync(`/proc/${pid}`);

describe('runProcess', () => {
  it('runs a tool and captures its output', async () => {
    const r = await runProcess(ffprobe, ['-v', 'error', '-version']);
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBeNull();
    expect(r.stdout).toMatch(/^ffprobe version/);
    expect(gone(r.pid)).toBe(true);
  });

  it('kills the process group on timeout and settles only once it is reaped', async () => {
    let pid = 0;
    const started = Date.now();
    const err = await runProcess(ffmpeg, LONG_JOB, { timeoutMs: 200, onSpawn: (p) => (pid = p) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunTimeoutError);
    expect((err as RunTimeoutError).timeoutMs).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pid).toBeGreaterThan(0);
    expect(gone(pid)).toBe(true);
    expect(runningPids()).not.toContain(pid);
  });

  it('kills the process when its signal aborts', async () => {
    const ac = new AbortController();
    let pid = 0;
    const run = runProcess(ffmpeg, LONG_JOB, {
      signal: ac.signal,
      onSpawn: (p) => {
        pid = p;
        setTimeout(() => ac.abort(new Error('stop')), 100);
      },
    });
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(gone(pid)).toBe(true);
  });

  it('refuses to start with an aborted signal', async () => {
    await expect(runProcess(ffmpeg, LONG_JOB, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(RunAbortedError);
  });

  it('reports a missing binary as a spawn error', async () => {
    await expect(runProcess('/nonexistent/ffmpeg', ['-version'])).rejects.toBeInstanceOf(RunSpawnError);
  });

  it('bounds the captured stderr', async () => {
    const r = await runProcess(
      ffmpeg,
      ['-nostdin', '-v', 'debug', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:duration=1', '-f', 'null', '-'],
      { stderrLimit: 1024 },
    );
    expect(r.exitCode).toBe(0);
    expect(Buffer.byteLength(r.stderr)).toBeLessThanOrEqual(1024);
    expect(r.stderrTruncated).toBe(true);
  });
});
