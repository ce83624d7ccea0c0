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
    // macOS's AppleDouble `._` files and other hidden names are not videos a user meant.
    expect(skipped.find((s) => s.path.endsWith('._holiday.mp4'))?.reason).toMatch(/hidden file/);
    expect(skipped.find((s) => s.path.endsWith('notes.txt'))?.reason).toMatch(/not a video extension/);
    expect(skipped.find((s) => s.path.endsWith('more'))?.reason).toMatch(/folder/);
  });

  it('takes a hidden file given by name', async () => {
    expect((await expandInputs([join(dir, '.hidden.mov')])).files).toEqual([join(dir, '.hidden.mov')]);
  });

  it('gives files that share a name their own output folders, without # ? %', () => {
    const names = outputFolderNames(['/a/holiday.mp4', '/b/holiday.webm', '/a/clip #1.mov', '/a/50% off?.mp4', '/a/solo.mkv']);
    expect([...names.values()]).toEqual(['holiday.mp4', 'holiday.webm', 'clip _1', '50_ off_', 'solo']);
  });
});
