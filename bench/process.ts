// `vodflow process` on a big file: a generated 2-minute 1080p H.264/AAC clip of about 200 MB
// (quick: 4 s) through the whole local stack, default definitions. Time to the
// terminal event and peak RSS of the vodflow process (the S3 stand-in holds the object in memory).
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBinaries } from '../emulator/media/binaries';
import { runProcess as runTool } from '../emulator/media/run';
import { MiB, round, type Section } from './measure';
import { startChild } from './proc';

/** Cached between runs (generating 2 minutes of 1080p takes a while on 2 cores). */
async function bigClip(seconds: number): Promise<string> {
  const dir = join(tmpdir(), 'vodflow-bench-process');
  const path = join(dir, `phone-1080p-${seconds}s.mp4`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.making.mp4`;
  const args = [
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1920x1080:rate=30:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    // ~13 Mbit/s: what a phone records at 1080p30.
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '13M',
    '-maxrate',
    '13M',
    '-bufsize',
    '26M',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-f',
    'mp4',
    tmp,
  ];
  const r = await runTool(resolveBinaries().ffmpeg, args, { timeoutMs: 30 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`generating the clip failed: ${r.stderr}`);
  await rename(tmp, path);
  return path;
}

export async function benchProcess(quick: boolean): Promise<Section> {
  const seconds = quick ? 4 : 120; // quick: the smoke run only proves the section works
  const file = await bigClip(seconds);
  const size = statSync(file).size;
  const child = startChild<Record<string, number | string>>('./process-child.ts', { env: { POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  try {
    await child.next();
    child.send({ file });
    const res = await child.next();
    if (res.type !== 'vodflow.video.ready') throw new Error(`the clip did not come out ready: ${JSON.stringify(res)}`);
    const peakMiB = (res.maxRssKiB as number) / 1024;
    return {
      title: `vodflow process: a ${seconds} s 1080p clip of ${round(size / MiB)} MiB through the whole local stack`,
      figures: [
        {
          name: 'time to video.ready',
          value: round((res.ms as number) / 1000, 1),
          unit: 's',
          note: 'upload (presigned PUT), pull into VOD, transcode 20 + 210, cover, event',
        },
        {
          name: 'peak RSS of the vodflow process',
          value: round(peakMiB),
          unit: 'MiB',
          note: `RSS before ${round((res.rssBeforeKiB as number) / 1024)} MiB; ffmpeg's own processes not counted`,
        },
        {
          name: 'peak RSS growth / file size',
          value: round((peakMiB - (res.rssBeforeKiB as number) / 1024) / (size / MiB), 2),
          unit: '×',
          note: 'the S3 stand-in (fauxqs) keeps each object in memory (one copy; the upload is read into a Buffer of its Content-Length)',
        },
      ],
      notes: [
        `file ${size} bytes; default definitions (20, 210) and the cover; generated once and cached under ${join(tmpdir(), 'vodflow-bench-process')}.`,
      ],
    };
  } finally {
    await child.stop();
  }
}
