// `vodflow sample [PATH]`: a short test clip made with ffmpeg, so trying vodflow needs no file of
// one's own; `--broken KIND` writes one of the damaged files the tests use, to see a failure explained.
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { BROKEN_KINDS, makeBroken, makeClip, type BrokenKind } from '../../emulator/media/fixtures';

export interface SampleOptions {
  seconds: number;
  size: string;
  broken?: string;
}

/** Writes the sample and returns its absolute path. */
export async function writeSample(path: string, options: SampleOptions): Promise<string> {
  const target = resolve(path);
  if (options.broken) {
    if (!(BROKEN_KINDS as readonly string[]).includes(options.broken)) {
      throw new Error(`--broken must be one of: ${BROKEN_KINDS.join(', ')}`);
    }
    return makeBroken(options.broken as BrokenKind, target);
  }
  const size = /^(\d{2,4})x(\d{2,4})$/.exec(options.size);
  if (!size) throw new Error('--size must look like 640x360');
  const [width, height] = [Number(size[1]), Number(size[2])];
  if (width % 2 || height % 2) throw new Error('--size needs even numbers (H.264 with 4:2:0 chroma)');
  if (!(options.seconds > 0 && options.seconds <= 600)) throw new Error('--seconds must be in (0, 600]');
  // The bytes match the name: H.264/AAC in MP4 (.mp4, .m4v) or in Matroska (.mkv).
  const ext = extname(target).toLowerCase();
  const format = ext === '.mkv' ? 'matroska' : ext === '.mp4' || ext === '.m4v' ? 'mp4' : undefined;
  if (!format)
    throw new Error(
      `the sample is H.264/AAC in MP4 or Matroska: name it .mp4, .m4v or .mkv (${ext ? `not ${ext}` : 'it has no extension'})`,
    );
  return makeClip({ path: target, seconds: options.seconds, width, height, format });
}

export function register(program: Command): void {
  program
    .command('sample')
    .description('write a short test clip made with ffmpeg (testsrc2 + a 440 Hz tone, H.264/AAC in MP4, or Matroska for .mkv)')
    .argument('[path]', 'where to write it', 'vodflow-sample.mp4')
    .option('--seconds <n>', 'duration in seconds', Number, 4)
    .option('--size <WxH>', 'frame size', '640x360')
    .option('--broken <kind>', `write a damaged file instead: ${BROKEN_KINDS.join(', ')}`)
    .addHelpText(
      'after',
      '\nExamples:\n  vodflow sample clip.mp4\n  vodflow sample bad.mp4 --broken truncated\n  vodflow process clip.mp4 bad.mp4',
    )
    .action(async (path: string, options: SampleOptions) => {
      try {
        process.stdout.write(`${await writeSample(path, options)}\n`);
      } catch (error) {
        process.stderr.write(`vodflow sample: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
