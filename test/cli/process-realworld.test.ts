// `vodflow process` end to end on the real local stack with files a user really has: a 1080p
// clip over fauxqs's old 11 MiB body limit (uploaded with the presigned PUT, streamed), an editor
// MOV with a timecode track, a camcorder .MTS, two files with one name (holiday.mp4 and
// holiday.webm) and an empty file.
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../cli/process/run';
import { makeValid, VALID } from '../media/corpus';

const capture = () => {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
};

const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const BIG = {
  name: 'phone 1080p.mp4',
  inputs: [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=30:duration=4',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=4',
  ],
  args: [...X264, '-b:v', '30M', '-maxrate', '30M', '-bufsize', '60M', '-c:a', 'aac'],
  seconds: 4,
  aspect: 16 / 9,
  audio: true,
};

describe('vodflow process with real-world files', () => {
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vodflow-process-rw-'));
    const copy = async (name: string, as: string) => {
      const src = await makeValid(name === BIG.name ? BIG : VALID.find((c) => c.name === name)!);
      await copyFile(src, join(dir, as));
      return join(dir, as);
    };
    files.big = await copy(BIG.name, 'phone 1080p.mp4');
    files.mov = await copy('editor export with timecode.mov', 'edit #2.mov');
    files.mts = await copy('camcorder.MTS', '00001.MTS');
    files.holidayMp4 = await copy('faststart.mp4', 'holiday.mp4');
    files.holidayWebm = await copy('vp8.webm', 'holiday.webm');
    files.empty = join(dir, 'empty.mp4');
    await writeFile(files.empty, '');
  }, 300_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes every real file ready, keeps same-name outputs apart, and says why the empty one was not taken', async () => {
    expect((await stat(files.big!)).size).toBeGreaterThan(11 * 1024 * 1024);
    const out = capture();
    const err = capture();
    const outDir = join(dir, 'out');
    const order = [files.big!, files.mov!, files.mts!, files.holidayMp4!, files.holidayWebm!, files.empty!];
    const { exitCode, results } = await runProcess(
      { files: order, json: false, definitions: [20], callbackMode: 'http', outDir, keep: false, quiet: false, timeoutS: 240 },
      out.stream,
      err.stream,
    );
    const byPath = new Map(results.map((r) => [r.path, r]));
    for (const path of order.slice(0, 5)) {
      const r = byPath.get(path);
      expect(r?.error, path).toBeUndefined();
      expect(r?.event?.type, path).toBe('vodflow.video.ready');
    }
    // The empty file: no job, one clear line, and the run says not everything was ready.
    expect(byPath.get(files.empty!)?.error).toMatch(/empty \(0 bytes\)/);
    expect(out.text()).toMatch(/✘ empty\.mp4: the file is empty \(0 bytes\)/);
    expect(exitCode).toBe(1);

    // The big upload reported progress and its original came through byte for byte.
    expect(err.text()).toMatch(/phone 1080p\.mp4 {2}uploading [1-9]\d?%/);
    expect((await stat(join(outDir, 'phone 1080p', 'f0.mp4'))).size).toBe((await stat(files.big!)).size);
    const big = byPath.get(files.big!)!.event!;
    if (big.type !== 'vodflow.video.ready') throw new Error('unreachable');
    expect(big.data.playSet.find((p) => p.definition === 20)).toMatchObject({ width: 960, height: 540 });

    // holiday.mp4 and holiday.webm each keep their own folder; '#' is not left in a folder name.
    expect(existsSync(join(outDir, 'holiday.mp4', 'f0.f20.mp4'))).toBe(true);
    expect(existsSync(join(outDir, 'holiday.webm', 'f0.f20.mp4'))).toBe(true);
    expect(existsSync(join(outDir, 'edit _2', 'f0.f20.mp4'))).toBe(true);
    expect(existsSync(join(outDir, '00001', 'f0.f20.mp4'))).toBe(true);
    // The original is labelled by its own container, not "MP4".
    expect(out.text()).toMatch(/0 {5}MOV /);
    expect(out.text()).toMatch(/0 {5}MTS /);
  }, 300_000);
});
