// checkToolsAtStart: the media tools' self-check runs beside the emulator's start-up, not at the
// first media task. The "ffmpeg" here is a script that records that it ran (and fails), so the
// check is observable without any media task and without timing anything.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator';

const dir = mkdtempSync(join(tmpdir(), 'vodflow-tools-at-start-'));
const running: RunningEmulator[] = [];

/** A fake tool that leaves `marker` behind when run. */
function recordingTool(name: string): { path: string; marker: string } {
  const marker = join(dir, `${name}.ran`);
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(path, 0o755);
  return { path, marker };
}

async function ranWithin(marker: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (existsSync(marker)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return existsSync(marker);
}

afterAll(async () => {
  await Promise.all(running.map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('media tools self-check at start', () => {
  it('runs at start with checkToolsAtStart, and only at the first media task without it', async () => {
    const eager = recordingTool('ffmpeg-eager');
    const lazy = recordingTool('ffmpeg-lazy');
    running.push(await startEmulator({ env: false, log: false, ffmpegPath: eager.path, checkToolsAtStart: true }));
    running.push(await startEmulator({ env: false, log: false, ffmpegPath: lazy.path }));
    expect(await ranWithin(eager.marker, 10_000)).toBe(true);
    // The eager one has run by now; the lazy one, with no media task asked of it, has not.
    expect(existsSync(lazy.marker)).toBe(false);
  });

  it('leaves no temp folder behind when the process exits while the check runs', () => {
    // A real child process that exits mid-check: its "ffmpeg" records that it started, then hangs.
    const tmp = mkdtempSync(join(dir, 'child-tmp-'));
    const started = join(dir, 'hanging.ran');
    const hanging = join(dir, 'ffmpeg-hanging');
    writeFileSync(hanging, `#!/bin/sh\ntouch '${started}'\nsleep 5\n`);
    chmodSync(hanging, 0o755);
    const selfcheck = fileURLToPath(new URL('../../../emulator/media/selfcheck.ts', import.meta.url));
    const script = `
      import { existsSync } from 'node:fs';
      const { checkTools } = await import(${JSON.stringify(selfcheck)});
      const tool = { path: ${JSON.stringify(hanging)}, env: {} };
      void checkTools({ ffmpeg: tool, ffprobe: tool });
      const wait = setInterval(() => existsSync(${JSON.stringify(started)}) && (clearInterval(wait), process.exit(0)), 10);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: tmp },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(existsSync(started)).toBe(true);
    // (tsx keeps its own cache there.)
    expect(readdirSync(tmp).filter((f) => f.startsWith('vodflow-toolcheck-'))).toEqual([]);
  });
});
