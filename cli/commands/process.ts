// `vodflow process FILE… [--json] [--definitions 20,210]`: the main job, end to end on one machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { collectSubscriber } from '../dev/subscribers';
import { expandInputs } from '../process/files';
import { runProcess } from '../process/run';
import { writeSample } from './sample';

interface Flags {
  sample?: boolean;
  json?: boolean;
  definitions?: number[];
  callbackMode: 'http' | 'reliable' | 'poll';
  out: string;
  copy: boolean;
  keep?: boolean;
  quiet?: boolean;
  timeout: number;
  data?: string;
  verbose?: boolean;
  vodApi?: 'v2' | 'v3';
  subscriber?: string[];
}

const definitionList = (value: string): number[] => {
  const list = value.split(',').map((v) => v.trim());
  // API 3.0's presets have six digits (100020), its own templates more.
  if (!list.length || list.some((v) => !/^\d{1,9}$/.test(v)))
    throw new InvalidArgumentError('expected definitions like 20,210 (API 2.0) or 100020,100210 (API 3.0)');
  return list.map(Number);
};

/** Node's timers take at most 2^31 - 1 ms; a longer wait would fire at once. */
const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);
const seconds = (value: string): number => {
  const n = Number(value);
  if (!value.trim() || !Number.isFinite(n) || n <= 0 || n > MAX_TIMEOUT_S)
    throw new InvalidArgumentError(`expected a number of seconds above 0 and at most ${MAX_TIMEOUT_S}, e.g. 600`);
  return n;
};

export const vodApiVersion = (value: string): 'v2' | 'v3' => {
  if (value !== 'v2' && value !== 'v3') throw new InvalidArgumentError('expected v2 or v3');
  return value;
};

const mode = (value: string) => {
  if (!['http', 'reliable', 'poll'].includes(value)) throw new InvalidArgumentError('expected http, reliable or poll');
  return value as Flags['callbackMode'];
};

export function register(program: Command): void {
  program
    .command('process')
    .description('process videos end to end on the local stack: upload, VOD (emulator), one video.ready / video.failed each')
    .argument('[files...]', 'video files or folders of videos')
    .option('--sample', 'process a short clip generated with ffmpeg (no file needed)')
    .option('--json', 'print each downstream CloudEvent on stdout, one per line')
    .option(
      '--definitions <list>',
      'transcoding definitions, e.g. 20,210 (API 2.0) or 100020,100210 (API 3.0); default VOD_DEFINITIONS, else those',
      definitionList,
    )
    .option('--callback-mode <mode>', 'how results come back: http (VOD callback), reliable (PullEvent) or poll', mode, 'http')
    .option('--out <dir>', 'copy the outputs here, one folder per file', 'vodflow-output')
    .option('--no-copy', 'do not copy outputs')
    .option('--keep', 'keep the stack up afterwards so the play URLs can be opened (Ctrl-C to stop)')
    .option('--quiet', 'no progress on stderr')
    .option('--timeout <seconds>', 'give up on a file after this long', seconds, 600)
    .option('--data <dir>', 'keep the stack state in this folder (default: in memory)')
    .option('--verbose', "also print the handlers' structured logs (JSON, on stdout)")
    .option('--vod-api <version>', 'VOD API the handlers speak: v2 (API 2.0) or v3 (API 3.0); default VOD_API_VERSION or v2', vodApiVersion)
    .option(
      '--subscriber <url>',
      'also POST each video.ready / video.failed here, signed (Standard Webhooks); repeatable',
      collectSubscriber,
    )
    .addHelpText(
      'after',
      `
Examples:
  vodflow process --sample
  vodflow process clip.mp4 other.mov --definitions 10,20,210
  vodflow process videos/ --json > events.ndjson

Exit status: 0 when every file is ready, 1 when any failed, 2 on a usage error.`,
    )
    .action(async (inputs: string[], flags: Flags) => {
      let sampleDir: string | undefined;
      try {
        const { files, skipped } = await expandInputs(inputs);
        // Always said (even with --quiet or --json): a file left out must never vanish unexplained.
        for (const s of skipped) process.stderr.write(`vodflow: skipped ${s.path}: ${s.reason}\n`);
        if (flags.sample) {
          sampleDir = await mkdtemp(join(tmpdir(), 'vodflow-sample-'));
          files.unshift(await writeSample(join(sampleDir, 'vodflow-sample.mp4'), { seconds: 4, size: '640x360' }));
        }
        if (!files.length) throw new Error('give a file or folder to process, or --sample');
        const { exitCode, stack } = await runProcess({
          files,
          json: flags.json ?? false,
          definitions: flags.definitions,
          callbackMode: flags.callbackMode,
          outDir: flags.copy ? resolve(flags.out) : undefined,
          keep: flags.keep ?? false,
          quiet: flags.quiet ?? false,
          timeoutS: flags.timeout,
          dataDir: flags.data && resolve(flags.data),
          verbose: flags.verbose,
          vodApi: flags.vodApi,
          subscribers: flags.subscriber ?? [],
        });
        process.exitCode = exitCode;
        if (stack) {
          await new Promise<void>((done) => {
            const stop = () => void stack.close().finally(done);
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
        }
      } catch (error) {
        process.stderr.write(`vodflow process: ${(error as Error).message}\n`);
        process.exitCode = 2;
      } finally {
        if (sampleDir) await rm(sampleDir, { recursive: true, force: true });
      }
    });
}
