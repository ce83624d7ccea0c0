import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../../cli/commands/sample';
import { createMediaEngine, MediaFailure } from '../../emulator/media';

describe('vodflow sample', () => {
  let dir: string;
  const engine = createMediaEngine({ concurrency: 1 });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vodflow-sample-'));
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a clip with the asked size and duration', async () => {
    const path = await writeSample(join(dir, 'a.mp4'), { seconds: 1, size: '320x180' });
    const info = await engine.probeSource(path);
    expect(info).toMatchObject({ width: 320, height: 180 });
    expect(info.duration).toBeGreaterThan(0.9);
    expect(info.audioStreamList).toHaveLength(1);
  });

  it('writes the container its name says: Matroska for .mkv; a name it cannot honour is refused', async () => {
    // Before, x.webm got MP4 bytes.
    const mkv = await writeSample(join(dir, 'a.mkv'), { seconds: 1, size: '320x180' });
    expect((await readFile(mkv)).subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML
    expect((await engine.probeSource(mkv)).width).toBe(320);
    await expect(writeSample(join(dir, 'x.webm'), { seconds: 1, size: '320x180' })).rejects.toThrow(
      /name it \.mp4, \.m4v or \.mkv \(not \.webm\)/,
    );
  });

  it('writes a broken file that fails with its seed code', async () => {
    const path = await writeSample(join(dir, 'b.mp4'), { seconds: 1, size: '320x180', broken: 'garbage' });
    await expect(engine.probeSource(path)).rejects.toSatisfy((e: unknown) => e instanceof MediaFailure && e.code === -43001);
  });

  it.each([
    [{ seconds: 1, size: 'big' }, /--size/],
    [{ seconds: 1, size: '321x180' }, /even/],
    [{ seconds: 0, size: '320x180' }, /--seconds/],
    [{ seconds: 1, size: '320x180', broken: 'nope' }, /--broken must be one of/],
  ])('refuses %j', async (options, message) => {
    await expect(writeSample(join(dir, 'c.mp4'), options)).rejects.toThrow(message);
  });
});
