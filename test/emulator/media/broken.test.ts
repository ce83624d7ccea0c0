// Each kind of broken upload gets the exact seed code that the real ffmpeg/ffprobe output leads to.
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaEngine, MediaFailure, type MediaEngine } from '../../../emulator/media';
import { BROKEN_KINDS, makeBroken, makeClip, topLevelAtoms, type BrokenKind } from '../../../emulator/media/fixtures';
import { leftovers } from './helpers';

let dir: string;
let engine: MediaEngine;
let good: string; // 160x120, 2 s, moov at the end
const broken = {} as Record<BrokenKind, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vodflow-broken-'));
  engine = createMediaEngine({ concurrency: 2 });
  good = await makeClip({ path: join(dir, 'good.mp4'), seconds: 2, width: 160, height: 120 });
  await Promise.all(BROKEN_KINDS.map(async (kind) => (broken[kind] = await makeBroken(kind, join(dir, `${kind}.mp4`), good))));
});

afterAll(async () => {
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const failure = async (p: Promise<unknown>): Promise<MediaFailure> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof MediaFailure)) throw new Error(`expected a MediaFailure, got ${String(err)}`);
  return err;
};

describe('broken sources', () => {
  // [kind, what is asked, code, step, why]
  const cases: Array<[BrokenKind, 'probe' | 'transcode 20' | 'transcode 1110', number, string]> = [
    ['garbage', 'probe', -43001, 'moov atom not found / Invalid data found when processing input'],
    ['zero-length', 'probe', -43001, 'ffprobe: moov atom not found, exit 1'],
    ['text', 'probe', -43001, 'ffprobe: moov atom not found, exit 1'],
    ['truncated', 'probe', -43001, 'the moov at the end was cut away'],
    ['cut-moov', 'probe', -43099, 'exit 0 but "partial file": sample offsets past the end'],
    ['mkv-header-only', 'probe', -43098, '"File ended prematurely"'],
    ['subtitle-only', 'probe', -47400, 'no audio and no video stream'],
    ['truncated-faststart', 'transcode 20', -45001, 'probes fine; -xerror transcode: corrupt input packet'],
    ['flipped', 'transcode 20', -45029, 'probes fine; the decoders complain'],
    ['truncated-mkv', 'transcode 20', -45098, 'the source ends before its header says: a source problem, not VOD output'],
    ['audio-only', 'transcode 20', -47402, 'video task without video'],
    ['video-only', 'transcode 1110', -47401, 'audio task without audio'],
  ];

  it.each(cases)('%s: %s fails with %i (%s)', async (kind, op, code) => {
    const outDir = join(dir, `out-${kind}-${op.replace(' ', '')}`);
    await mkdir(outDir, { recursive: true });
    const run =
      op === 'probe' ? engine.probeSource(broken[kind]) : engine.transcode(broken[kind], op === 'transcode 20' ? 20 : 1110, outDir);
    const err = await failure(run);
    expect(err.code).toBe(code);
    expect(err.detail.length).toBeGreaterThan(0);
    // ffmpeg's words, without the emulator's own folders (before: "/tmp/…/f0.mp4: corrupt input packet").
    expect(err.detail).not.toContain(dir);
    // Nothing half-written is left where a URL could serve it.
    expect(await readdir(outDir)).toEqual([]);
  });

  it('the truncated-faststart and flipped files do pass the probe (only decoding finds them)', async () => {
    await expect(engine.probeSource(broken['truncated-faststart'])).resolves.toMatchObject({ width: 160, height: 120 });
    await expect(engine.probeSource(broken.flipped)).resolves.toMatchObject({ width: 160, height: 120 });
  });

  it('a snapshot of a broken source fails with the probe code', async () => {
    expect((await failure(engine.snapshotByTimeOffset(broken.garbage, [0], 10, dir))).code).toBe(-43001);
    expect((await failure(engine.sampleSnapshot(broken['audio-only'], 10, dir))).code).toBe(-47402);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('the step names the failing stage', async () => {
    expect((await failure(engine.probeSource(broken.garbage))).step).toBe('probe-source');
    expect((await failure(engine.transcode(broken.flipped, 20, dir))).step).toBe('transcode');
    expect((await failure(engine.transcode(broken['audio-only'], 20, dir))).step).toBe('source');
  });
});

describe('fixtures', () => {
  it('break the same bytes on every run', async () => {
    const again = await makeBroken('flipped', join(dir, 'flipped-again.mp4'), good);
    expect((await readFile(again)).equals(await readFile(broken.flipped))).toBe(true);
    const garbage2 = await makeBroken('garbage', join(dir, 'garbage-again.mp4'));
    expect((await readFile(garbage2)).equals(await readFile(broken.garbage))).toBe(true);
  });

  it('lay out the boxes each kind needs', async () => {
    const types = async (p: string) => topLevelAtoms(await readFile(p)).map((a) => a.type);
    expect(await types(good)).toEqual(['ftyp', 'free', 'mdat', 'moov']);
    expect(await types(broken.truncated)).not.toContain('moov');
    expect((await types(broken['truncated-faststart'])).indexOf('moov')).toBeLessThan(
      (await types(broken['truncated-faststart'])).indexOf('mdat'),
    );
    expect(await leftovers(dir)).toEqual([]);
  });
});
