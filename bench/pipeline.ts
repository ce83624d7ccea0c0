// Pipeline overhead: `vodflow process` (runProcess, in this process: local stack start, upload
// through the HTTP API, every handler, the emulator doing the media, the downstream event) on K
// 2-s clips, against the same media work run directly (bench/media.ts). Rounds interleaved.
import { Writable } from 'node:stream';
import { runProcess } from '../cli/process/run';
import { startLocalStack } from '../local';
import { directMediaMs, clip } from './media';
import { interleavedAsync, round, type Section } from './measure';

const sink = () => new Writable({ write: (_c, _e, done) => done() }) as unknown as NodeJS.WriteStream;

async function pipelineMs(files: string[]): Promise<number> {
  const start = performance.now();
  const { exitCode, results } = await runProcess(
    { files, json: true, callbackMode: 'http', keep: false, quiet: true, timeoutS: 300 },
    sink(),
    sink(),
  );
  const ms = performance.now() - start;
  const failed = results.filter((r) => r.event?.type !== 'vodflow.video.ready');
  if (exitCode !== 0 || failed.length) throw new Error(`vodflow process failed: ${failed.map((r) => r.error ?? r.event?.type).join('; ')}`);
  return ms;
}

export async function benchPipeline(quick: boolean): Promise<Section> {
  const k = quick ? 1 : 4;
  const rounds = quick ? 1 : 3;
  const source = quick ? await clip(1, 160, 120) : await clip(2, 640, 360);
  const files = Array.from({ length: k }, () => source);
  // Warm-up (uncounted): the first run pays for loading and compiling every handler module.
  if (!quick) await pipelineMs([await clip(1, 160, 120)]);
  const stackStart = performance.now();
  // Quotas off: the bench measures the local stack against ffmpeg, not Tencent's 100 calls/min.
  const stack = await startLocalStack({ logLevel: 'silent', emulator: { rateLimits: false }, env: { POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  const stackStartMs = performance.now() - stackStart;
  await stack.close();
  // runProcess follows each path; the same clip K times is K jobs (each upload is its own object).
  const { medians, samples } = await interleavedAsync({ pipeline: () => pipelineMs(files), direct: () => directMediaMs(files) }, rounds);
  const ratio = medians.pipeline! / medians.direct!;
  const perJob = (medians.pipeline! - medians.direct!) / k;
  return {
    title: `Pipeline overhead: vodflow process on ${k} clip(s) of ${quick ? '1 s 160x120' : '2 s 640x360'} vs the same ffmpeg work run directly`,
    figures: [
      { name: 'vodflow process (wall, stack start included)', value: Math.round(medians.pipeline!), unit: 'ms' },
      { name: 'same media work, direct (wall)', value: Math.round(medians.direct!), unit: 'ms' },
      { name: 'pipeline / direct', value: round(ratio, 3), unit: '×', goal: '≤ 1.15×', met: ratio <= 1.15 },
      {
        name: 'local stack start (fauxqs, dynalite, emulator, handlers)',
        value: Math.round(stackStartMs),
        unit: 'ms',
        note: 'part of every vodflow process run',
      },
      {
        name: 'orchestration per job',
        value: Math.round(perJob),
        unit: 'ms',
        goal: '≤ 300 ms',
        met: perJob <= 300,
        note: '(pipeline wall − direct wall) / K',
      },
    ],
    notes: [
      `${rounds} interleaved round(s); samples pipeline ${samples.pipeline!.map(Math.round).join(', ')} ms, direct ${samples.direct!.map(Math.round).join(', ')} ms.`,
      "Direct = per job: probe (pull), probe (procedure), transcode 20 and 210, cover at 50 % (definition 10), via the emulator's media engine with its concurrency (2 jobs, 2 processes).",
      'vodflow process runs in-process: fauxqs (SQS+S3), the emulator and every handler share this Node process (dynalite has a thread of its own); results come back by HTTP callback. Run with --quiet, as a script would: no progress display, so no job reads for it.',
    ],
  };
}
