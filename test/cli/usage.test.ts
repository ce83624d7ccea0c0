// The installed command itself (cli/bin.mjs in a child process): --version, and exit status 2 for
// every command line it rejects, as the README documents.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const vodflowIn = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000, env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
const vodflow = (...args: string[]) => vodflowIn(process.env, ...args);

describe('vodflow command line', () => {
  it('prints its version', async () => {
    const { code, stdout } = await vodflow('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('exits 2 on usage errors, with the reason on stderr', async () => {
    const unknownCommand = await vodflow('nosuch');
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(/unknown command 'nosuch'/);
    const unknownOption = await vodflow('explain', '--bogus');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/unknown option '--bogus'/);
    expect((await vodflow()).code).toBe(2); // no command at all
  }, 120_000);

  it('exits 2 on a bad --timeout or --definitions, and takes API 3.0 definitions', async () => {
    for (const timeout of ['abc', '-5', '0', '3000000']) {
      const bad = await vodflow('process', '--sample', '--timeout', timeout);
      expect(bad.code, timeout).toBe(2);
      expect(bad.stderr).toMatch(/--timeout <seconds>.*expected a number of seconds above 0 and at most 2147483/);
    }
    const badDefs = await vodflow('process', '--definitions', '20,x');
    expect(badDefs.code).toBe(2);
    expect(badDefs.stderr).toMatch(/expected definitions like 20,210 \(API 2.0\) or 100020,100210 \(API 3.0\)/);
    // Six digits pass the flag's check (then: no file given, the next usage error).
    const v3 = await vodflow('process', '--vod-api', 'v3', '--definitions', '100020,100210');
    expect(v3.code).toBe(2);
    expect(v3.stderr).not.toMatch(/definitions/);
    expect(v3.stderr).toMatch(/give a file or folder to process, or --sample/);
  }, 120_000);

  it('says at the start, with exit 2, when the media tools do not work', async () => {
    // Before: every file failed after three attempts (about 2 minutes for a 3-second clip) with
    // 30010 and "retry helps: yes"; a broken ffmpeg for the sample gave "ffmpeg failed (1): ".
    const dir = mkdtempSync(join(tmpdir(), 'vodflow-usage-'));
    try {
      writeFileSync(join(dir, 'clip.mp4'), Buffer.alloc(1000, 1));
      const missing = await vodflowIn({ ...process.env, FFMPEG_PATH: join(dir, 'no-ffmpeg') }, 'process', '--quiet', join(dir, 'clip.mp4'));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/the media tools do not work: ffmpeg could not run/);
      expect(missing.stderr).toMatch(/FFMPEG_PATH/);
      const failing = await vodflowIn({ ...process.env, FFMPEG_PATH: '/bin/false' }, 'process', '--sample');
      expect(failing.code).toBe(2);
      expect(failing.stderr).toMatch(/ffmpeg \(\/bin\/false\) failed \(exit 1\): it printed nothing; FFMPEG_PATH picks another/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('still exits 0 for --help', async () => {
    expect((await vodflow('explain', '--help')).code).toBe(0);
  });
});
