// Which ffmpeg/ffprobe the engine runs: explicit/env paths first, then a modern system build on
// PATH, then the npm static builds (VODFLOW_MEDIA_TOOLS=npm forces them).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaEngine } from '../../../emulator/media';
import { majorOf, resolveBinaries } from '../../../emulator/media/binaries';
import { checkTools } from '../../../emulator/media/selfcheck';

const saved = { PATH: process.env.PATH, VODFLOW_MEDIA_TOOLS: process.env.VODFLOW_MEDIA_TOOLS };
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.VODFLOW_MEDIA_TOOLS === undefined) delete process.env.VODFLOW_MEDIA_TOOLS;
  else process.env.VODFLOW_MEDIA_TOOLS = saved.VODFLOW_MEDIA_TOOLS;
});

/** A folder with an ffmpeg and ffprobe that print `version` for -version (and crash otherwise). */
function fakeTools(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vodflow-fake-tools-'));
  for (const name of ['ffmpeg', 'ffprobe']) {
    writeFileSync(
      join(dir, name),
      `#!/bin/sh\n[ "$1" = -version ] && { echo "${name} version ${version} Copyright"; exit 0; }\nkill -SEGV $$\n`,
    );
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('media tools', () => {
  it('reads the major version of release builds, not of git builds', () => {
    expect(majorOf('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026')).toBe(5);
    expect(majorOf('ffmpeg version N-47683-g0e8eb07980-static https://…')).toBeUndefined();
  });

  it('prefers a modern system build on PATH, passes over an old one, and VODFLOW_MEDIA_TOOLS=npm forces npm', () => {
    const modern = fakeTools('7.0.1');
    const old = fakeTools('4.3.6');
    try {
      process.env.PATH = `${modern}:${saved.PATH}`;
      expect(resolveBinaries().ffprobe).toMatchObject({ path: join(modern, 'ffprobe'), source: 'system' });
      process.env.VODFLOW_MEDIA_TOOLS = 'npm';
      expect(resolveBinaries().ffprobe.source).toBe('npm');
      delete process.env.VODFLOW_MEDIA_TOOLS;
      process.env.PATH = `${old}:/nonexistent`;
      expect(resolveBinaries().ffmpeg.source).toBe('npm');
      expect(resolveBinaries({ ffmpegPath: '/x/ffmpeg' }).ffmpeg).toMatchObject({ path: '/x/ffmpeg', source: 'explicit' });
    } finally {
      rmSync(modern, { recursive: true, force: true });
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('the self-check passes with the default tools and names a crashing binary as the problem', async () => {
    expect(await checkTools(resolveBinaries())).toBeUndefined();
    const broken = fakeTools('7.0.1');
    try {
      const problem = await checkTools({ ...resolveBinaries(), ffprobe: { path: join(broken, 'ffprobe'), env: {} } });
      expect(problem).toMatch(/^ffprobe died of SIGSEGV while probing an MPEG-TS/);
      // Every task then fails as a tools problem (30010), not with a code blaming the file.
      const engine = createMediaEngine({ ffprobePath: join(broken, 'ffprobe') });
      try {
        await expect(engine.probeSource('/any/file.mp4')).rejects.toMatchObject({ name: 'MediaSystemError', kind: 'tools', code: 30010 });
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 60_000);
});
