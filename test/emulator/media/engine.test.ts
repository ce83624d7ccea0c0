import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaEngine, MediaFailure, type MediaEngine } from '../../../emulator/media';
import { makeBroken, makeClip, makeMismatchedPair } from '../../../emulator/media/fixtures';
import { audioOf, ffprobeJson, leftovers, videoOf } from './helpers';

let dir: string;
let engine: MediaEngine;
let good: string; // 320x240, 2 s, H.264/AAC mono
let wide: string; // 640x480, 1 s
let long: string; // 160x120, 12 s at 5 fps
let tiny: string; // 160x120, 1 s

const md5 = async (p: string) =>
  createHash('md5')
    .update(await readFile(p))
    .digest('hex');
const out = async (name: string) => {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  return d;
};
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof MediaFailure ? e.code : e),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vodflow-media-'));
  engine = createMediaEngine({ concurrency: 2 });
  [good, wide, long, tiny] = await Promise.all([
    makeClip({ path: join(dir, 'good.mp4'), seconds: 2, width: 320, height: 240 }),

    makeClip({ path: join(dir, 'wide.mp4'), seconds: 1, width: 640, height: 480 }),
    makeClip({ path: join(dir, 'long.mp4'), seconds: 12, width: 160, height: 120, fps: 5 }),
    makeClip({ path: join(dir, 'tiny.mp4'), seconds: 1, width: 160, height: 120 }),
  ]);
});

afterAll(async () => {
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('probeSource', () => {
  it('reports the real metadata of a good clip', async () => {
    const info = await engine.probeSource(good);
    expect(info.container).toContain('mp4');
    expect(info.duration).toBeCloseTo(2, 1);
    expect(info.size).toBe((await stat(good)).size);
    expect(info.md5).toBe(await md5(good));
    expect(info.bitrate).toBeGreaterThan(0);
    expect([info.width, info.height]).toEqual([320, 240]);
    expect(info.videoStreamList).toEqual([{ codec: 'h264', width: 320, height: 240, bitrate: expect.any(Number), fps: 25 }]);
    expect(info.videoStreamList[0]!.bitrate).toBeGreaterThan(0);
    expect(info.audioStreamList).toEqual([{ codec: 'aac', bitrate: expect.any(Number), samplingRate: 44100, channels: 1 }]);
  });
});

describe('transcode', () => {
  it('20 (SD mp4): never upscales a 320x240 source, writes a file ffprobe reads', async () => {
    const outDir = await out('t20');
    const r = await engine.transcode(good, 20, outDir);
    expect(r.definition).toBe(20);
    expect(r.main).toEqual({ name: 'f0.f20.mp4', path: join(outDir, 'f0.f20.mp4') });
    expect(r.files).toEqual([r.main]);
    expect([r.width, r.height]).toEqual([320, 240]);
    expect(r.size).toBe((await stat(r.main.path)).size);
    expect(r.md5).toBe(await md5(r.main.path));
    expect(r.duration).toBeCloseTo(2, 0);
    const p = await ffprobeJson(r.main.path);
    expect(videoOf(p)).toMatchObject({ codec_name: 'h264', width: 320, height: 240 });
    expect(audioOf(p)).toMatchObject({ codec_name: 'aac' });
    expect(await leftovers(outDir)).toEqual([]);
  });

  it('30 (HD) keeps a 320x240 source at 320x240; upscaling only when asked for', async () => {
    const outDir = await out('t30');
    const kept = await engine.transcode(good, 30, outDir);
    expect([kept.width, kept.height]).toEqual([320, 240]);
    const up = await engine.transcode(tiny, 10, await out('t10-up'), { allowUpscale: true });
    expect([up.width, up.height]).toEqual([480, 360]);
  });

  it('10 (mobile) scales a 640x480 source down to a 360 short edge, keeping the aspect ratio', async () => {
    const r = await engine.transcode(wide, 10, await out('t10'));
    expect([r.width, r.height]).toEqual([480, 360]);
    expect(videoOf(await ffprobeJson(r.main.path))).toMatchObject({ width: 480, height: 360 });
  });

  it('210 (mobile HLS) writes a playlist and its segments', async () => {
    const outDir = await out('t210');
    const r = await engine.transcode(good, 210, outDir);
    expect(r.main.name).toBe('f0.f210.m3u8');
    const segments = r.files.filter((f) => f.name.endsWith('.ts'));
    expect(segments.length).toBeGreaterThanOrEqual(1);
    expect(segments[0]!.name).toBe('f0.f210.0.ts');
    const playlist = await readFile(r.main.path, 'utf8');
    expect(playlist).toContain('#EXT-X-ENDLIST');
    for (const s of segments) expect(playlist).toContain(s.name);
    expect(r.container).toBe('hls');
    expect([r.width, r.height]).toEqual([320, 240]);
    expect(r.duration).toBeCloseTo(2, 0);
    const sizes = await Promise.all(r.files.map(async (f) => (await stat(f.path)).size));
    expect(r.size).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(r.md5).toBe(await md5(r.main.path));
    expect(videoOf(await ffprobeJson(r.main.path))).toMatchObject({ codec_name: 'h264', width: 320 });
    expect(await leftovers(outDir)).toEqual([]);
  });

  it('1010 (mp3) keeps only the audio', async () => {
    const r = await engine.transcode(good, 1010, await out('t1010'));
    expect(r.main.name).toBe('f0.f1010.mp3');
    expect(r.videoStreamList).toEqual([]);
    expect(r.audioStreamList[0]).toMatchObject({ codec: 'mp3', samplingRate: 44100 });
  });

  it('0 publishes the original as is', async () => {
    const r = await engine.transcode(good, 0, await out('t0'));
    expect(r.main.name).toBe('f0.mp4');
    expect(r.md5).toBe(await md5(good));
  });

  it('rejects a definition no template has', async () => {
    await expect(engine.transcode(good, 999, await out('t999'))).rejects.toThrow(/unknown transcode definition 999/);
  });
});

describe('snapshots', () => {
  it('snapshotByTimeOffset: a jpg per offset inside the video, a per-item code outside', async () => {
    const outDir = await out('snap');
    const items = await engine.snapshotByTimeOffset(good, [0, 1000, 1990, 5000], 10, outDir);
    expect(items.map((i) => [i.timeOffset, i.status])).toEqual([
      [0, 0],
      [1000, 0],
      [1990, -44099], // inside the probed duration, after the last frame: ffmpeg exits 0 and writes nothing
      [5000, -46204], // past the duration
    ]);
    expect(items[1]!.file?.name).toBe('f0.snapshotByTime.10_1000.jpg');
    expect(videoOf(await ffprobeJson(items[1]!.file!.path))).toMatchObject({ codec_name: 'mjpeg', width: 320, height: 240 });
    expect(await leftovers(outDir)).toEqual([]);
  });

  it('sampleSnapshot: one picture every 10 % of the duration', async () => {
    const files = await engine.sampleSnapshot(good, 10, await out('sample'));
    expect(files.map((f) => f.name)).toEqual(Array.from({ length: 10 }, (_, i) => `f0.sampleSnapshot.10_${i}.jpg`));
    for (const f of files) expect((await stat(f.path)).size).toBeGreaterThan(0);
  });

  it('coverBySnapshot by percent and by time; outside the video is -44099', async () => {
    const outDir = await out('cover');
    const byPercent = await engine.coverBySnapshot(good, 'Percent', 50, outDir);
    expect(byPercent.name).toBe('f0.shotup.10.jpg');
    expect(videoOf(await ffprobeJson(byPercent.path))).toMatchObject({ width: 320, height: 240 });
    await expect(engine.coverBySnapshot(good, 'Time', 1, outDir)).resolves.toMatchObject({ name: 'f0.shotup.10.jpg' });
    expect(await codeOf(engine.coverBySnapshot(good, 'Time', 3, outDir))).toBe(-44099);
  });

  it('imageSprite: 142x80 tiles, one every 10 s, on a sheet as large as needed', async () => {
    const short = await engine.imageSprite(good, 10, await out('sprite-short'));
    expect(short).toMatchObject({ width: 142, height: 80, totalCount: 1 });
    expect(short.files.map((f) => f.name)).toEqual(['f0.imageSprite.10_0.jpg']);
    expect(videoOf(await ffprobeJson(short.files[0]!.path))).toMatchObject({ width: 142, height: 80 });
    const twelve = await engine.imageSprite(long, 10, await out('sprite-long'));
    expect(twelve.totalCount).toBe(2);
    expect(videoOf(await ffprobeJson(twelve.files[0]!.path))).toMatchObject({ width: 284, height: 80 });
  });
});

describe('concat', () => {
  it('joins same-resolution sources into mp4 and HLS', async () => {
    const mp4 = await engine.concat([good, good], 'mp4', await out('concat-mp4'));
    expect(mp4.main.name).toBe('f0.mp4');
    expect(mp4.duration).toBeCloseTo(4, 0);
    expect([mp4.width, mp4.height]).toEqual([320, 240]);
    const hls = await engine.concat([good, good], 'm3u8', await out('concat-hls'));
    expect(hls.main.name).toBe('f0.m3u8');
    expect(hls.container).toBe('hls');
  });

  it('refuses different resolutions (-47301), too many sources or bytes (-47300), unreadable sources (-47302, -43101)', async () => {
    const outDir = await out('concat-bad');
    const [a, b] = await makeMismatchedPair(dir);
    expect(await codeOf(engine.concat([a, b], 'mp4', outDir))).toBe(-47301);
    expect(
      await codeOf(
        engine.concat(
          Array.from({ length: 501 }, () => good),
          'mp4',
          outDir,
        ),
      ),
    ).toBe(-47300);
    const small = createMediaEngine({ maxConcatBytes: 1000 });
    try {
      expect(await codeOf(small.concat([good, good], 'mp4', outDir))).toBe(-47300);
    } finally {
      await small.close();
    }
    expect(await codeOf(engine.concat([good, join(dir, 'missing.mp4')], 'mp4', outDir))).toBe(-47302);
    const garbage = await makeBroken('garbage', join(dir, 'concat-garbage.mp4'));
    expect(await codeOf(engine.concat([good, garbage], 'mp4', outDir))).toBe(-43101);
    expect(await codeOf(engine.probeConcatInput(garbage))).toBe(-43101);
    expect(await leftovers(outDir)).toEqual([]);
  });
});

describe('clip', () => {
  it('cuts by head and tail offsets', async () => {
    const middle = await engine.clip(good, 0.5, -0.5, await out('clip-mid'));
    expect(middle.main.name).toBe('f0.mp4');
    expect(middle.duration).toBeGreaterThan(0.8);
    expect(middle.duration).toBeLessThan(1.3);
    const tail = await engine.clip(good, -1, undefined, await out('clip-tail'));
    expect(tail.duration).toBeGreaterThan(0.8);
    expect(tail.duration).toBeLessThan(1.3);
    expect([tail.width, tail.height]).toEqual([320, 240]);
  });

  it('a start past the end is -45099, an empty range -47104', async () => {
    const outDir = await out('clip-bad');
    expect(await codeOf(engine.clip(good, 5, undefined, outDir))).toBe(-45099);
    expect(await codeOf(engine.clip(good, 1, 1, outDir))).toBe(-47104);
  });
});
