// The real-world corpus through the emulator's media engine (the work VOD does for a procedure:
// probe, transcode to 20 (mp4) and for some 210 (HLS), the cover) with the project's default
// tools: each valid file comes out ready and playable, each broken one fails with its true code.
// A few of these also go through the whole stack in test/cli/process-realworld.test.ts.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../lib/vod/errors';
import { createMediaEngine, MediaFailure, type MediaEngine } from '../../emulator/media';
import { resolveBinaries } from '../../emulator/media/binaries';
import { runProcess } from '../../emulator/media/run';
import { ffprobeJson } from '../emulator/media/helpers';
import { BROKEN, makeBroken, makeValid, VALID } from './corpus';

let engine: MediaEngine;
let work: string;
const files = new Map<string, string>();

beforeAll(async () => {
  engine = createMediaEngine({ concurrency: 2 });
  work = await mkdtemp(join(tmpdir(), 'vodflow-corpus-run-'));
  // Two at a time: the machine is shared.
  for (let i = 0; i < VALID.length; i += 2) {
    await Promise.all(VALID.slice(i, i + 2).map(async (c) => files.set(c.name, await makeValid(c))));
  }
}, 600_000);

afterAll(async () => {
  await engine?.close();
  await rm(work, { recursive: true, force: true });
});

/** Every frame of every stream decodes (an independent ffmpeg run, not the engine's check). */
async function decodesFully(path: string): Promise<string> {
  const r = await runProcess(resolveBinaries().ffmpeg, ['-nostdin', '-v', 'error', '-xerror', '-i', path, '-f', 'null', '-'], {
    timeoutMs: 60_000,
  });
  return r.exitCode === 0 ? '' : `exit ${r.exitCode}: ${r.stderr.trim()}`;
}

const ratio = (s: string | undefined) => {
  const m = s ? /^(\d+):(\d+)$/.exec(s) : null;
  return m && Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : 1;
};

describe.concurrent('real-world corpus: every valid file is ready and playable', () => {
  it.each(VALID.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const src = files.get(c.name)!;
      const outDir = join(work, Buffer.from(c.name).toString('hex').slice(0, 40));
      await mkdir(outDir, { recursive: true });
      const info = await engine.probeSource(src);
      expect(Math.abs(info.duration - c.seconds), 'source duration').toBeLessThanOrEqual(0.15);
      const definitions = c.hls ? [20, 210] : [20];
      for (const definition of definitions) {
        const out = await engine.transcode(src, definition, outDir);
        expect(await decodesFully(out.main.path), `${definition} decodes`).toBe('');
        const probed = await ffprobeJson(out.main.path);
        const v = probed.streams.find((s) => s.codec_type === 'video')!;
        const a = probed.streams.filter((s) => s.codec_type === 'audio');
        // Only what a player needs: one video, at most one audio, nothing else (no tmcd, no subtitles).
        expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(c.audio ? ['audio', 'video'] : ['video']);
        expect(a.length).toBe(c.audio ? 1 : 0);
        expect(Math.abs(Number(probed.format.duration) - c.seconds), `${definition} duration`).toBeLessThanOrEqual(0.15);
        const shown = (v.width! * ratio((v as { sample_aspect_ratio?: string }).sample_aspect_ratio)) / v.height!;
        expect(Math.abs(shown / c.aspect - 1), `${definition} aspect ${v.width}x${v.height}`).toBeLessThanOrEqual(0.03);
        if (c.aspect < 1) expect(v.height!).toBeGreaterThan(v.width!);
        if (c.maxFps) {
          const [n, d] = ((v as { r_frame_rate?: string }).r_frame_rate ?? '0/1').split('/').map(Number);
          expect(n! / d!, 'frame rate cap').toBeLessThanOrEqual(c.maxFps + 0.01);
        }
      }
      const cover = await engine.coverBySnapshot(src, 'Percent', 50, outDir);
      const image = (await ffprobeJson(cover.path)).streams[0]!;
      // Square pixels, displayed aspect (anamorphic sources are stretched, rotated ones upright).
      expect(Math.abs(image.width! / image.height! / c.aspect - 1), `cover ${image.width}x${image.height}`).toBeLessThanOrEqual(0.03);
    },
    120_000,
  );
});

describe('real-world corpus: every broken file fails with its true code', () => {
  const cases = BROKEN;

  it.each(cases)(
    '%s: %s fails with %i (%s)',
    async (name, op, code) => {
      const src = await makeBroken(name);
      const outDir = join(work, `broken-${name.replace(/\W/g, '-')}`);
      await mkdir(outDir, { recursive: true });
      const err = await (op === 'probe' ? engine.probeSource(src) : engine.transcode(src, 20, outDir)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MediaFailure);
      expect((err as MediaFailure).code).toBe(code);
      const c = classify(code);
      expect(c.known).toBe(true);
      // Every one of these is the file's fault: the same bytes fail the same way.
      expect(c.retryable).toBe(false);
    },
    60_000,
  );

  it("the README's table of seed codes lists every code these files get", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Seed codes the emulator produces'), readme.indexOf('Try one: `npx vodflow sample'));
    const rows = section.split('\n').filter((l) => l.startsWith('| '));
    for (const [name, , code] of BROKEN)
      expect(
        rows.some((r) => r.includes(String(code))),
        `${name} → ${code}`,
      ).toBe(true);
  });
});
