// Test media made on the spot: clips from lavfi (testsrc2 + sine → H.264/AAC), and broken files
// whose damage is what real uploads suffer. Byte damage uses a seeded PRNG, so every run breaks
// the same bytes. Used by the tests, `vodflow sample` and the benches.
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveBinaries } from './binaries';
import { runProcess } from './run';
import { mulberry32 } from '../prng';

export interface ClipSpec {
  path: string;
  seconds: number;
  width: number;
  height: number;
  fps?: number;
  /** Default true. */
  audio?: boolean;
  /** Default true. */
  video?: boolean;
  /** Put the moov atom first (default false: ffmpeg's default, moov at the end). */
  faststart?: boolean;
  /** Container by muxer name (default mp4). */
  format?: 'mp4' | 'matroska';
  ffmpegPath?: string;
}

async function ffmpeg(args: string[], ffmpegPath?: string): Promise<void> {
  const { ffmpeg: tool } = resolveBinaries({ ffmpegPath });
  const r = await runProcess(tool, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { timeoutMs: 60_000 });
  if (r.exitCode !== 0)
    throw new Error(
      `ffmpeg (${tool.path}) failed (exit ${r.exitCode}): ${r.stderr.trim() || 'it printed nothing'}; FFMPEG_PATH picks another`,
    );
}

const tempBeside = (path: string, ext = '.mp4'): string => join(dirname(path), `.fixture-${randomUUID()}${ext}`);

/** A clip of testsrc2 and a 440 Hz tone. */
export async function makeClip(spec: ClipSpec): Promise<string> {
  const { seconds, width, height, fps = 25, audio = true, video = true, format = 'mp4' } = spec;
  if (!audio && !video) throw new Error('a clip needs audio or video');
  const inputs = [
    ...(video ? ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`] : []),
    ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`] : []),
  ];
  const tmp = tempBeside(spec.path, format === 'matroska' ? '.mkv' : '.mp4');
  try {
    await ffmpeg(
      [
        ...inputs,
        ...(video ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'] : []),
        ...(audio ? ['-c:a', 'aac', '-b:a', '64k'] : []),
        ...(spec.faststart ? ['-movflags', '+faststart'] : []),
        '-f',
        format,
        tmp,
      ],
      spec.ffmpegPath,
    );
    await rename(tmp, spec.path);
  } finally {
    await rm(tmp, { force: true });
  }
  return spec.path;
}

export interface Atom {
  type: string;
  offset: number;
  size: number;
}

/** Top-level ISO-BMFF boxes (handles 64-bit sizes and "to the end" boxes). */
export function topLevelAtoms(buf: Buffer): Atom[] {
  const atoms: Atom[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    let size = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    if (size === 1 && offset + 16 <= buf.length) size = Number(buf.readBigUInt64BE(offset + 8));
    else if (size === 0) size = buf.length - offset;
    if (size < 8) break;
    atoms.push({ type, offset, size });
    offset += size;
  }
  return atoms;
}

export const BROKEN_KINDS = [
  'garbage', // random bytes named .mp4
  'zero-length', // an empty file
  'text', // a text file named .mp4
  'truncated', // moov at the end, file cut in half: the moov is gone
  'truncated-faststart', // moov first, mdat cut in half: the index points past the end
  'flipped', // moov first, bytes flipped in the second half of mdat
  'cut-moov', // moov first, file cut inside the moov
  'mkv-header-only', // a Matroska file cut after 100 bytes
  'truncated-mkv', // a Matroska file cut in half: readable, but shorter than its header says
  'subtitle-only', // a valid mp4 with one subtitle track and nothing else
  'audio-only', // a valid mp4 without video
  'video-only', // a valid mp4 without audio
] as const;

export type BrokenKind = (typeof BROKEN_KINDS)[number];

const SEED = 20161121;

async function layout(
  goodClipPath: string | undefined,
  outPath: string,
  faststart: boolean,
  format: 'mp4' | 'matroska' = 'mp4',
): Promise<Buffer> {
  const tmp = tempBeside(outPath, format === 'matroska' ? '.mkv' : '.mp4');
  try {
    if (goodClipPath) {
      await ffmpeg(['-i', goodClipPath, '-map', '0', '-c', 'copy', ...(faststart ? ['-movflags', '+faststart'] : []), '-f', format, tmp]);
    } else {
      await makeClip({ path: tmp, seconds: 2, width: 160, height: 120, faststart, format });
    }
    return await readFile(tmp);
  } finally {
    await rm(tmp, { force: true });
  }
}

function atom(buf: Buffer, type: string): Atom {
  const found = topLevelAtoms(buf).find((a) => a.type === type);
  if (!found) throw new Error(`no ${type} box in the fixture`);
  return found;
}

/** Write a broken file of `kind` to outPath (from goodClipPath when given, else from a fresh 2 s 160x120 clip). */
export async function makeBroken(kind: BrokenKind, outPath: string, goodClipPath?: string): Promise<string> {
  const rand = mulberry32(SEED);
  switch (kind) {
    case 'garbage':
      await writeFile(outPath, Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(rand() * 256))));
      break;
    case 'zero-length':
      await writeFile(outPath, Buffer.alloc(0));
      break;
    case 'text':
      await writeFile(outPath, 'This is not a video. It is a note someone uploaded by mistake.\n'.repeat(40));
      break;
    case 'truncated': {
      const buf = await layout(goodClipPath, outPath, false);
      await writeFile(outPath, buf.subarray(0, Math.floor(buf.length / 2)));
      break;
    }
    case 'truncated-faststart': {
      const buf = await layout(goodClipPath, outPath, true);
      const mdat = atom(buf, 'mdat');
      await writeFile(outPath, buf.subarray(0, mdat.offset + Math.floor(mdat.size / 2)));
      break;
    }
    case 'flipped': {
      const buf = Buffer.from(await layout(goodClipPath, outPath, true));
      const mdat = atom(buf, 'mdat');
      // The first half stays intact, so probing (which decodes a few frames) still succeeds.
      const from = mdat.offset + Math.floor(mdat.size / 2);
      const span = mdat.offset + mdat.size - from;
      for (let i = 0; i < Math.ceil(span / 64); i++) {
        const at = from + Math.floor(rand() * span);
        buf[at] = buf[at]! ^ 0xff;
      }
      await writeFile(outPath, buf);
      break;
    }
    case 'cut-moov': {
      const buf = await layout(goodClipPath, outPath, true);
      const moov = atom(buf, 'moov');
      await writeFile(outPath, buf.subarray(0, moov.offset + Math.floor(moov.size / 2)));
      break;
    }
    case 'mkv-header-only': {
      const buf = await layout(goodClipPath, outPath, false, 'matroska');
      await writeFile(outPath, buf.subarray(0, 100));
      break;
    }
    case 'truncated-mkv': {
      const buf = await layout(goodClipPath, outPath, false, 'matroska');
      await writeFile(outPath, buf.subarray(0, Math.floor(buf.length / 2)));
      break;
    }
    case 'subtitle-only': {
      const srt = tempBeside(outPath, '.srt');
      try {
        await writeFile(srt, '1\n00:00:00,000 --> 00:00:01,000\nno picture, no sound\n');
        await ffmpeg(['-i', srt, '-c:s', 'mov_text', '-f', 'mp4', outPath]);
      } finally {
        await rm(srt, { force: true });
      }
      break;
    }
    case 'audio-only':
      await makeClip({ path: outPath, seconds: 1, width: 160, height: 120, video: false });
      break;
    case 'video-only':
      await makeClip({ path: outPath, seconds: 1, width: 160, height: 120, audio: false });
      break;
  }
  return outPath;
}

/** Two playable clips of different sizes (concat must refuse them with -47301). */
export async function makeMismatchedPair(dir: string, seconds = 1): Promise<[string, string]> {
  const a = await makeClip({ path: join(dir, 'concat-a-320x240.mp4'), seconds, width: 320, height: 240 });
  const b = await makeClip({ path: join(dir, 'concat-b-160x120.mp4'), seconds, width: 160, height: 120 });
  return [a, b];
}
