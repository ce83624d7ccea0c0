import { describe, expect, it } from 'vitest';
import { classify } from '../../../lib/vod/errors';
import {
  classifyStderr,
  codeOf,
  SNAPSHOT_OFFSET_BEYOND_DURATION,
  SOURCE_CODE,
  STDERR_RULES,
  STEP_BASE,
  SUFFIX,
  type ToolStep,
} from '../../../emulator/media/codes';

// stderr as the npm static ffmpeg 4.1 / ffprobe 5.2 printed it for the fixtures (addresses vary).
const REAL = {
  garbageProbe: [
    '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x27aa8200] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!',
    '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x27aa8200] moov atom not found',
    'garbage.mp4: Invalid data found when processing input',
  ].join('\n'),
  truncatedFaststartTranscode: 'truncated-faststart.mp4: corrupt input packet in stream 0',
  flippedTranscode: ['[aac @ 0xba9d900] channel element 1.5 is not allocated', '[h264 @ 0xba98680] error while decoding MB 3 0'].join('\n'),
  cutMoovProbe: [
    '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x2d65bc80] stream 0, offset 0xb1a: partial file',
    '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x2d65bc80] Could not find codec parameters for stream 0 (Video: h264 (avc1 / 0x31637661), none, 320x240, 707 kb/s): unspecified pixel format',
    "Consider increasing the value for the 'analyzeduration' (0) and 'probesize' (5000000) options",
  ].join('\n'),
  mkvHeaderOnlyProbe: ['[matroska,webm @ 0xc58b200] File ended prematurely at pos. 100 (0x64)', 'cut100.mkv: Input/output error'].join(
    '\n',
  ),
  mkvHeaderOnlyTranscode: 'cut9.mkv: End of file',
  hlsBenign: '[hls @ 0x1dfd6380] Cannot use rename on non file protocol, this may lead to races and temporary partial files',
};

describe('classifyStderr', () => {
  it.each([
    ['garbage, probe', REAL.garbageProbe, false, [], SUFFIX.corrupt],
    ['faststart cut in mdat, transcode', REAL.truncatedFaststartTranscode, false, ['h264', 'aac'], SUFFIX.corrupt],
    ['flipped bytes, transcode (decoder line first)', REAL.flippedTranscode, false, ['h264', 'aac'], SUFFIX.decodeFailed],
    ['cut inside moov, probe exit 0', REAL.cutMoovProbe, true, [], SUFFIX.seekOutsideFile],
    ['Matroska cut after 100 bytes, probe', REAL.mkvHeaderOnlyProbe, false, [], SUFFIX.endOfFile],
    ['Matroska cut, ffmpeg 4.1', REAL.mkvHeaderOnlyTranscode, false, [], SUFFIX.endOfFile],
  ])('%s', (_label, stderr, exitedOk, decoders, suffix) => {
    expect(classifyStderr(stderr, { exitedOk, decoders })?.suffix).toBe(suffix);
  });

  it('takes the missing-metadata reason from "Could not find codec parameters" lines', () => {
    const line = (reason: string) => `[x @ 0x1] Could not find codec parameters for stream 1 (Audio: none, 0 channels): ${reason}`;
    expect(classifyStderr(line('unknown codec'), { exitedOk: true })?.suffix).toBe(89);
    expect(classifyStderr(line('unspecified frame size'), { exitedOk: true })?.suffix).toBe(90);
    expect(classifyStderr(line('unspecified sample format'), { exitedOk: true })?.suffix).toBe(91);
    expect(classifyStderr(line('unspecified sample rate'), { exitedOk: true })?.suffix).toBe(92);
    expect(classifyStderr(line('unspecified number of channels'), { exitedOk: true })?.suffix).toBe(93);
    expect(classifyStderr(line('no decodable DTS frames'), { exitedOk: true })?.suffix).toBe(94);
    expect(classifyStderr(line('unspecified size'), { exitedOk: true })?.suffix).toBe(95);
    expect(classifyStderr(line('unspecified pixel format'), { exitedOk: true })?.suffix).toBe(96);
    expect(classifyStderr(line('no frame in rv30,40 and no sar'), { exitedOk: true })?.suffix).toBe(97);
  });

  it('ignores decoding complaints when the tool exited 0, but not metadata ones', () => {
    expect(classifyStderr(REAL.garbageProbe, { exitedOk: true })).toBeUndefined();
    expect(classifyStderr(REAL.flippedTranscode, { exitedOk: true, decoders: [] })).toBeUndefined();
    expect(classifyStderr(REAL.flippedTranscode, { exitedOk: true, decoders: ['aac'] })?.suffix).toBe(29);
  });

  it('skips the HLS muxer line printed for every good HLS output', () => {
    expect(classifyStderr(REAL.hlsBenign, { exitedOk: true, decoders: ['hls'] })).toBeUndefined();
    expect(classifyStderr(`${REAL.hlsBenign}\n${REAL.truncatedFaststartTranscode}`, { exitedOk: false })?.line).toBe(
      REAL.truncatedFaststartTranscode,
    );
  });

  it('a data track without a decoder (tmcd, GoPro gpmd, Apple mebx) is no source problem; an audio/video one is', () => {
    const gpmd =
      '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] Could not find codec parameters for stream 3 (Data: none (gpmd / 0x646D7067), 25 kb/s): unknown codec';
    const mebx =
      '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] Could not find codec parameters for stream 2 (Data: none (mebx / 0x7862656D), 0 kb/s): unknown codec';
    expect(classifyStderr(gpmd, { exitedOk: true })).toBeUndefined();
    expect(classifyStderr(mebx, { exitedOk: true })).toBeUndefined();
    expect(classifyStderr(gpmd.replace('Data: none', 'Audio: none'), { exitedOk: true })?.suffix).toBe(SUFFIX.codecUnknown);
    // ffprobe 5 on a MOV/MXF timecode track: the line names only the index; the probe knows its kind.
    const tmcd = 'Unsupported codec with id 0 for input stream 2';
    expect(classifyStderr(tmcd, { exitedOk: true, ignoreStream: (i) => i === 2 })).toBeUndefined();
    expect(classifyStderr(tmcd, { exitedOk: true, ignoreStream: () => false })?.suffix).toBe(SUFFIX.codecUnknown);
  });

  it('a container guessed with low score from damaged bytes makes any complaint "damaged" (01)', () => {
    const zeroedHeader = [
      '[mpeg @ 0x1] Format mpeg detected only with low score of 25, misdetection possible!',
      '[mp2 @ 0x2] Header missing',
      '[mpeg @ 0x1] Could not find codec parameters for stream 0 (Audio: mp2, 0 channels): unspecified frame size',
    ].join('\n');
    expect(classifyStderr(zeroedHeader, { exitedOk: true })).toMatchObject({
      suffix: SUFFIX.corrupt,
      line: expect.stringContaining('low score'),
    });
  });

  it("'corrupt input packet' decides over the h264 parser line ffmpeg 5 prints before it", () => {
    const cut = [
      '[NULL @ 0x1] Invalid NAL unit size (1368 > 1027).',
      '[NULL @ 0x1] missing picture in access unit with size 1031',
      'in.mp4: corrupt input packet in stream 0',
    ].join('\n');
    expect(classifyStderr(cut, { exitedOk: false, decoders: ['h264'] })).toMatchObject({
      suffix: SUFFIX.corrupt,
      line: 'in.mp4: corrupt input packet in stream 0',
    });
  });

  it('returns the deciding line', () => {
    expect(classifyStderr(REAL.garbageProbe, { exitedOk: false })?.line).toContain('moov atom not found');
  });
});

describe('codes', () => {
  it('adds the suffix to the step base', () => {
    expect(codeOf('probe-source', SUFFIX.corrupt)).toBe(-43001);
    expect(codeOf('probe-concat-inputs', SUFFIX.seekOutsideFile)).toBe(-43199);
    expect(codeOf('snapshot-info', SUFFIX.sizeUnknown)).toBe(-44195);
    expect(codeOf('transcode', SUFFIX.decodeFailed)).toBe(-45029);
    expect(codeOf('probe-before-upload', SUFFIX.codecUnknown)).toBe(-45289);
    expect(codeOf('verify-output', SUFFIX.endOfFile)).toBe(-49198);
  });

  it('every code the engine can produce is in the seed table the classifier knows', () => {
    const produced = [
      ...(Object.keys(STEP_BASE) as ToolStep[]).flatMap((step) => Object.values(SUFFIX).map((s) => codeOf(step, s))),
      ...Object.values(SOURCE_CODE),
      SNAPSHOT_OFFSET_BEYOND_DURATION,
    ];
    const unknown = produced.filter((code) => !classify(code).known);
    expect(unknown).toEqual([]);
    expect(produced).toHaveLength(8 * 13 + 12 + 1);
  });

  it('every rule maps to a documented suffix', () => {
    const suffixes = new Set<number>(Object.values(SUFFIX));
    for (const rule of STDERR_RULES) expect(suffixes.has(rule.suffix), String(rule.match)).toBe(true);
  });
});
