// Which files a folder run covers, and that what it leaves out is said, not dropped.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs } from '../../cli/process/files';
import { outputFolderNames } from '../../cli/process/outputs';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vodflow-files-'));
  for (const name of ['00001.MTS', 'holiday.mp4', 'holiday.webm', 'notes.txt', 'thumb.jpg', '._holiday.mp4', '.hidden.mov'])
    await writeFile(join(dir, name), 'x');
  await mkdir(join(dir, 'more'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('vodflow process inputs', () => {
  it('takes camcorder .MTS like .m2ts and reports every entry it leaves out, with the reason', async () => {
    const { files, skipped } = await expandInputs([dir]);
    expect(files).toEqual(['00001.MTS', 'holiday.mp4', 'holiday.webm'].map((n) => join(dir, n)));
    expect(skipped.map((s) => s.path).sort()).toEqual(
      ['._holiday.mp4', '.hidden.mov', 'more', 'notes.txt', 'thumb.jpg'].map((n) => join(dir, n)).sort(),
    );
    // macOS's AppleDouble `._` files are no video; another hidden video is rarely one a user meant.
    expect(skipped.find((s) => s.path.endsWith('._holiday.mp4'))?.reason).toMatch(/macOS metadata/);
    expect(skipped.find((s) => s.path.endsWith('.hidden.mov'))?.reason).toMatch(/hidden file \(give it by name/);
    expect(skipped.find((s) => s.path.endsWith('notes.txt'))?.reason).toMatch(/not a video extension/);
    expect(skipped.find((s) => s.path.endsWith('more'))?.reason).toMatch(/folder/);
  });

  it('takes a hidden file given by name, but not a macOS "._" file (POST /uploads would refuse it after the start)', async () => {
    expect((await expandInputs([join(dir, '.hidden.mov')])).files).toEqual([join(dir, '.hidden.mov')]);
    await expect(expandInputs([join(dir, '._holiday.mp4')])).rejects.toThrow(/macOS metadata/);
  });

  it('says what it left out of a folder with no videos', async () => {
    const only = await mkdtemp(join(tmpdir(), 'vodflow-files-only-'));
    try {
      await writeFile(join(only, '._clip.mp4'), 'x');
      await expect(expandInputs([only])).rejects.toThrow(/no video files in this folder .*\n {2}.*\._clip\.mp4: macOS metadata/s);
    } finally {
      await rm(only, { recursive: true, force: true });
    }
  });

  it('gives files that share a name their own output folders, without # ? %', () => {
    const names = outputFolderNames(['/a/holiday.mp4', '/b/holiday.webm', '/a/clip #1.mov', '/a/50% off?.mp4', '/a/solo.mkv']);
    expect([...names.values()]).toEqual(['holiday.mp4', 'holiday.webm', 'clip _1', '50_ off_', 'solo']);
  });
});
