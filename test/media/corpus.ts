// The real-world corpus: files of the kinds phones, cameras, editors and broadcast chains write,
// made with ffmpeg from lavfi sources (1–2 s each), and the broken files real uploads turn out
// to be. Made once per recipe into a cache folder under the OS temp dir (the recipe's hash is in
// the file name, so a changed recipe makes a new file).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { resolveBinaries } from '../../emulator/media/binaries';
import { runProcess } from '../../emulator/media/run';
import { mulberry32 } from '../../emulator/prng';

export interface ValidCase {
  name: string;
  /** ffmpeg arguments after the inputs, before the output path. */
  args: string[];
  /** Inputs; default a testsrc2 video and a sine tone of `seconds`. */
  inputs?: string[];
  seconds: number;
  /** Displayed width / height the output must keep. */
  aspect: number;
  audio: boolean;
  /** Also make the HLS rendition (210). */
  hls?: boolean;
  /** Frame rate the output must not exceed (the template caps at 25). */
  maxFps?: number;
  /**
   * A phone's display matrix (degrees). ffmpeg 5 no longer writes one from `-metadata rotate=`,
   * so the npm ffmpeg 4.1 remuxes the clip (-c copy) to add it, as a phone's muxer would.
   */
  rotate?: number;
}

const video = (size: string, seconds: number, rate = 25) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
const tone = (seconds: number, rate = 48000, layout = 'stereo') => [
  '-f',
  'lavfi',
  '-i',
  `sine=frequency=440:sample_rate=${rate}:duration=${seconds},aformat=channel_layouts=${layout}`,
];
const av = (size: string, seconds = 1.5, rate = 25) => [...video(size, seconds, rate), ...tone(seconds)];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const AAC = ['-c:a', 'aac', '-b:a', '96k'];

export const VALID: readonly ValidCase[] = [
  { name: 'phone moov at end.mp4', inputs: av('320x180'), args: [...X264, ...AAC], seconds: 1.5, aspect: 16 / 9, audio: true, hls: true },
  {
    name: 'faststart.mp4',
    inputs: av('320x180'),
    args: [...X264, ...AAC, '-movflags', '+faststart'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'editor export with timecode.mov',
    inputs: av('320x180'),
    args: [...X264, ...AAC, '-timecode', '01:00:00:00'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'prores proxy.mov',
    inputs: av('320x180'),
    args: ['-c:v', 'prores_ks', '-profile:v', '0', '-c:a', 'pcm_s16le', '-timecode', '10:00:00:00'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'dnxhr.mov',
    inputs: av('320x180'),
    args: ['-c:v', 'dnxhd', '-profile:v', 'dnxhr_lb', '-pix_fmt', 'yuv422p', '-c:a', 'pcm_s16le'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'broadcast.mxf',
    inputs: av('720x576'),
    args: ['-c:v', 'mpeg2video', '-b:v', '4M', '-aspect', '16:9', '-c:a', 'pcm_s16le', '-timecode', '10:00:00:00'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'long gop 1h offset.ts',
    inputs: av('320x180', 2),
    args: [...X264, '-g', '250', ...AAC, '-output_ts_offset', '3600', '-f', 'mpegts'],
    seconds: 2,
    aspect: 16 / 9,
    audio: true,
    hls: true,
  },
  {
    name: 'one second gop.ts',
    inputs: av('320x180', 2),
    args: [...X264, '-g', '25', ...AAC, '-f', 'mpegts'],
    seconds: 2,
    aspect: 16 / 9,
    audio: true,
  },
  {
    // 16 MB: at 40 Mbit/s the first audio packet lands 13 MB in, past ffprobe's default 5 MB probe.
    name: 'camera 40 Mbps audio from 1.2 s.ts',
    inputs: ['-f', 'lavfi', '-i', 'nullsrc=s=1280x720:r=25:d=2,geq=random(1)*255:128:128', '-itsoffset', '1.2', ...tone(0.8)],
    args: [...X264, '-b:v', '40M', ...AAC, '-f', 'mpegts'],
    seconds: 2,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'bluray.m2ts',
    inputs: av('320x180', 2),
    args: [...X264, '-g', '50', '-c:a', 'ac3', '-f', 'mpegts', '-mpegts_m2ts_mode', '1'],
    seconds: 2,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'camcorder.MTS',
    inputs: av('320x180', 2),
    args: [...X264, '-g', '50', '-c:a', 'ac3', '-f', 'mpegts', '-mpegts_m2ts_mode', '1'],
    seconds: 2,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'with subtitles.mkv',
    inputs: [...av('320x180'), '-i', 'SUBTITLES'],
    args: ['-map', '0', '-map', '1', '-map', '2', ...X264, ...AAC, '-c:s', 'srt'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
    hls: true,
  },
  {
    name: 'vp8.webm',
    inputs: av('320x180'),
    args: ['-c:v', 'libvpx', '-b:v', '300k', '-c:a', 'libvorbis'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'vp9.webm',
    inputs: av('320x180'),
    args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-c:a', 'libopus'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'av1.webm',
    inputs: av('320x180'),
    args: ['-c:v', 'libsvtav1', '-preset', '12', '-c:a', 'libopus'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'hevc.mp4',
    inputs: av('320x180'),
    args: ['-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', '-x265-params', 'log-level=error', ...AAC],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'av1.mp4',
    inputs: av('320x180'),
    args: ['-c:v', 'libsvtav1', '-preset', '12', ...AAC],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: '10-bit.mp4',
    inputs: av('320x180'),
    args: [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p10le',
      '-x265-params',
      'log-level=error',
      '-tag:v',
      'hvc1',
      ...AAC,
    ],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: '444.mp4',
    inputs: av('320x180'),
    args: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', ...AAC],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'old camera.avi',
    inputs: av('320x240'),
    args: ['-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'libmp3lame'],
    seconds: 1.5,
    aspect: 4 / 3,
    audio: true,
  },
  { name: 'stream.flv', inputs: av('320x180'), args: [...X264, ...AAC, '-ar', '44100'], seconds: 1.5, aspect: 16 / 9, audio: true },
  {
    name: 'feature phone.3gp',
    inputs: [...video('176x144', 1.5, 15), ...tone(1.5, 8000, 'mono')],
    args: ['-c:v', 'h263', '-c:a', 'aac', '-b:a', '32k'],
    seconds: 1.5,
    aspect: 176 / 144,
    audio: true,
  },
  {
    name: 'windows.wmv',
    inputs: av('320x240'),
    args: ['-c:v', 'wmv2', '-b:v', '500k', '-c:a', 'wmav2'],
    seconds: 1.5,
    aspect: 4 / 3,
    audio: true,
  },
  {
    name: 'dvd anamorphic.mpg',
    inputs: av('720x576'),
    args: ['-c:v', 'mpeg2video', '-b:v', '3M', '-aspect', '16:9', '-c:a', 'mp2', '-f', 'vob'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  { name: 'portrait.mp4', inputs: av('180x320'), args: [...X264, ...AAC], seconds: 1.5, aspect: 9 / 16, audio: true },
  { name: 'phone rotate 90.mp4', inputs: av('320x180'), args: [...X264, ...AAC], rotate: 90, seconds: 1.5, aspect: 9 / 16, audio: true },
  {
    name: 'odd size.mp4',
    inputs: av('321x181'),
    args: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', ...AAC],
    seconds: 1.5,
    aspect: 321 / 181,
    audio: true,
  },
  { name: '4k.mp4', inputs: av('3840x2160', 1, 10), args: [...X264, ...AAC], seconds: 1, aspect: 16 / 9, audio: true },
  {
    name: 'vfr.mp4',
    inputs: av('320x180', 2, 50),
    args: ['-vf', "select='lt(t,0.6)+not(mod(n,4))'", '-fps_mode', 'vfr', ...X264, ...AAC],
    seconds: 2,
    aspect: 16 / 9,
    audio: true,
    maxFps: 25,
  },
  { name: '60fps.mp4', inputs: av('320x180', 1.5, 60), args: [...X264, ...AAC], seconds: 1.5, aspect: 16 / 9, audio: true, maxFps: 25 },
  { name: 'video only.mp4', inputs: video('320x180', 1.5), args: [...X264], seconds: 1.5, aspect: 16 / 9, audio: false },
  {
    name: 'two audio tracks.mkv',
    inputs: [...av('320x180'), ...tone(1.5)],
    args: ['-map', '0', '-map', '1', '-map', '2', ...X264, ...AAC],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'surround 5.1.mp4',
    inputs: [...video('320x180', 1.5), ...tone(1.5, 48000, '5.1')],
    args: [...X264, ...AAC],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  {
    name: 'mono 8 kHz.mp4',
    inputs: [...video('320x180', 1.5), ...tone(1.5, 8000, 'mono')],
    args: [...X264, '-c:a', 'aac', '-b:a', '24k'],
    seconds: 1.5,
    aspect: 16 / 9,
    audio: true,
  },
  { name: '假期 été 🎉.mp4', inputs: av('320x180'), args: [...X264, ...AAC], seconds: 1.5, aspect: 16 / 9, audio: true },
  { name: `it's "quoted" $HOME & more.mp4`, inputs: av('320x180'), args: [...X264, ...AAC], seconds: 1.5, aspect: 16 / 9, audio: true },
];

export type BrokenName =
  | 'zero-byte'
  | 'html page'
  | 'jpeg renamed'
  | 'mp3 renamed'
  | 'zeroed header'
  | 'webm cut at 30%'
  | 'ts corrupted packets'
  | 'moov without mdat';

/** [file, what is asked, the true code, why it is true] — asserted by corpus.test.ts, listed in the README. */
export const BROKEN: ReadonlyArray<[BrokenName, 'probe' | 'transcode', number, string]> = [
  ['zero-byte', 'probe', -43001, 'nothing to read'],
  ['html page', 'probe', -43001, 'not media at all'],
  ['jpeg renamed', 'probe', -47200, 'one still picture: duration 0'],
  ['mp3 renamed', 'transcode', -47402, 'audio only: a video rendition has no video to work with'],
  ['zeroed header', 'probe', -43001, 'ftyp and moov overwritten: the container is only guessed'],
  ['webm cut at 30%', 'transcode', -45098, 'the file ends before its header says'],
  ['ts corrupted packets', 'transcode', -45029, 'the decoder gets garbage'],
  ['moov without mdat', 'probe', -43099, 'the index points past the end of the file'],
];

const ffmpegTool = () => resolveBinaries().ffmpeg;

async function ffmpeg(args: string[]): Promise<void> {
  const r = await runProcess(ffmpegTool(), ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (${r.exitCode}): ${r.stderr.trim()}`);
}

const hash = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 10);

export const corpusDir = (): string => join(tmpdir(), 'vodflow-corpus');

/** Made once: <cache>/<hash>/<name>; written beside and renamed, so a crash leaves no half file. */
async function cached(key: unknown, name: string, make: (tmp: string) => Promise<void>): Promise<string> {
  const dir = join(corpusDir(), hash(key));
  const path = join(dir, name);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.making-${process.pid}${extname(name)}`);
  try {
    await make(tmp);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  return path;
}

const SRT = '1\n00:00:00,000 --> 00:00:01,000\nhello\n\n';

export async function makeValid(c: ValidCase): Promise<string> {
  return cached(['valid', c.name, c.inputs, c.args, c.rotate], c.name, async (tmp) => {
    const srt = join(corpusDir(), 'subtitles.srt');
    await writeFile(srt, SRT);
    const inputs = (c.inputs ?? av('320x180')).map((a) => (a === 'SUBTITLES' ? srt : a));
    const format = c.args.includes('-f') ? [] : ['-f', muxerFor(c.name)];
    await ffmpeg([...inputs, ...c.args, ...format, tmp]);
    if (c.rotate !== undefined) {
      const plain = `${tmp}.plain.mp4`;
      await rename(tmp, plain);
      try {
        const npm = { path: (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path, env: {} };
        const r = await runProcess(
          npm,
          [
            '-nostdin',
            '-v',
            'error',
            '-y',
            '-i',
            plain,
            '-map',
            '0',
            '-c',
            'copy',
            '-metadata:s:v:0',
            `rotate=${c.rotate}`,
            '-f',
            'mp4',
            tmp,
          ],
          { timeoutMs: 60_000 },
        );
        if (r.exitCode !== 0) throw new Error(`rotate remux failed: ${r.stderr}`);
      } finally {
        await rm(plain, { force: true });
      }
    }
  });
}

function muxerFor(name: string): string {
  const ext = extname(name).slice(1).toLowerCase();
  const byExt: Record<string, string> = {
    mp4: 'mp4',
    mov: 'mov',
    mxf: 'mxf',
    mkv: 'matroska',
    webm: 'webm',
    avi: 'avi',
    flv: 'flv',
    '3gp': '3gp',
    wmv: 'asf',
    mpg: 'vob',
  };
  const muxer = Object.hasOwn(byExt, ext) ? byExt[ext] : undefined;
  if (!muxer) throw new Error(`no muxer for ${name}`);
  return muxer;
}

/** The file and what is wrong with it; the expected code is asserted by the test. */
export async function makeBroken(name: BrokenName): Promise<string> {
  const base = () => makeValid(VALID[1]!); // faststart mp4: moov first
  switch (name) {
    case 'zero-byte':
      return cached(['broken', name], 'empty.mp4', (tmp) => writeFile(tmp, ''));
    case 'html page':
      return cached(['broken', name], 'page.mp4', (tmp) =>
        writeFile(tmp, '<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n'),
      );
    case 'jpeg renamed':
      return cached(['broken', name], 'photo.mp4', (tmp) =>
        ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:duration=1', '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', tmp]),
      );
    case 'mp3 renamed':
      return cached(['broken', name], 'song.mp4', (tmp) => ffmpeg([...tone(1.5, 44100), '-c:a', 'libmp3lame', '-f', 'mp3', tmp]));
    case 'zeroed header': {
      const src = await base();
      return cached(['broken', name, src], 'zeroed.mp4', async (tmp) => {
        const bytes = await readFile(src);
        bytes.fill(0, 0, Math.min(4096, bytes.length));
        await writeFile(tmp, bytes);
      });
    }
    case 'webm cut at 30%': {
      const src = await makeValid(VALID.find((c) => c.name === 'vp9.webm')!);
      return cached(['broken', name, src], 'cut.webm', async (tmp) => {
        const bytes = await readFile(src);
        await writeFile(tmp, bytes.subarray(0, Math.floor(bytes.length * 0.3)));
      });
    }
    case 'ts corrupted packets': {
      const src = await makeValid(VALID.find((c) => c.name === 'one second gop.ts')!);
      return cached(['broken', name, src], 'corrupted.ts', async (tmp) => {
        const bytes = await readFile(src);
        const random = mulberry32(11);
        // Damage the payload of packets in the middle third, keeping each packet's sync byte and
        // header: the demuxer still reads packets, the decoder gets garbage.
        for (let p = Math.floor(bytes.length / 3 / 188) * 188; p < (bytes.length * 2) / 3; p += 188 * 3) {
          for (let i = p + 8; i < p + 188 && i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
        }
        await writeFile(tmp, bytes);
      });
    }
    case 'moov without mdat': {
      const src = await base();
      return cached(['broken', name, src], 'no-mdat.mp4', async (tmp) => {
        const bytes = await readFile(src);
        const mdat = bytes.indexOf('mdat');
        if (mdat < 4) throw new Error('no mdat box');
        await writeFile(tmp, bytes.subarray(0, mdat - 4));
        await truncate(tmp, mdat - 4);
      });
    }
  }
}
