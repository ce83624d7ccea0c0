// Image sprites: one pass picks a frame every interval and writes each as a letterboxed tile
// (so the count is what ffmpeg really produced), then one ffmpeg per sheet tiles up to
// rows x columns of them into a jpg. The last sheet only has the rows it needs. Screenshot
// codes apply (-440xx for the commands, -441xx for probing the sheets).
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { codeOf, MediaFailure, SUFFIX } from './codes';
import type { MediaContext } from './context';
import { IMAGE_SPRITE_DEFINITIONS, lookup, outputName } from './definitions';
import { checkRun, FFMPEG_HEAD } from './output';
import { decodersOf, sourceInput } from './probe';
import { checkImage, seconds, withStage } from './snapshot';
import { inspectSource } from './source';
import type { OutputFile, SpriteOutput } from './types';

/** Sheet k holds tiles [k·perSheet, …); its grid is columns wide and as tall as needed. */
export function sheetLayout(
  totalCount: number,
  rows: number,
  columns: number,
): Array<{ start: number; count: number; columns: number; rows: number }> {
  const perSheet = rows * columns;
  const sheets = [];
  for (let start = 0; start < totalCount; start += perSheet) {
    const count = Math.min(perSheet, totalCount - start);
    const cols = Math.min(columns, count);
    sheets.push({ start, count, columns: cols, rows: Math.ceil(count / cols) });
  }
  return sheets;
}

export async function imageSprite(
  ctx: MediaContext,
  src: string,
  definition: number,
  outDir: string,
  signal: AbortSignal,
): Promise<SpriteOutput> {
  const def = lookup(IMAGE_SPRITE_DEFINITIONS, 'image sprite', definition);
  const facts = await inspectSource(ctx, src, 'video', signal);
  const interval = def.sampleType === 'Percent' ? (facts.duration * def.interval) / 100 : def.interval;
  const { width: w, height: h } = def;
  return withStage(outDir, async (stageDir) => {
    // The first frame, then each frame at least `interval` after the previously picked one.
    const pick = `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${seconds(interval)})'`;
    const fit = `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black,setsar=1`;
    const tiles = join(stageDir, 'tile-%06d.png');
    const args = [
      ...FFMPEG_HEAD,
      ...sourceInput(src),
      '-map',
      '0:V:0',
      '-an',
      '-vf',
      `${pick},${fit}`,
      '-vsync',
      'vfr',
      '-f',
      'image2',
      tiles,
    ];
    checkRun('snapshot', await ctx.exec('ffmpeg', args, 'snapshot', signal), decodersOf(facts.probe));
    const totalCount = (await readdir(stageDir)).filter((n) => n.startsWith('tile-')).length;
    if (totalCount === 0)
      throw new MediaFailure(codeOf('snapshot', SUFFIX.endOfFile), 'snapshot', 'no frame could be picked for the sprite');
    const sheets = sheetLayout(totalCount, def.rows, def.columns);
    const staged = await Promise.all(
      sheets.map(async (sheet, k) => {
        const name = outputName.imageSprite(definition, k);
        const sheetArgs = [
          ...FFMPEG_HEAD,
          '-start_number',
          String(sheet.start + 1),
          '-i',
          tiles,
          '-frames:v',
          '1',
          '-vf',
          `tile=${sheet.columns}x${sheet.rows}`,
          '-q:v',
          '3',
          '-f',
          'image2',
          join(stageDir, name),
        ];
        checkRun('snapshot', await ctx.exec('ffmpeg', sheetArgs, 'snapshot', signal), ['png']);
        await checkImage(ctx, join(stageDir, name), signal);
        return name;
      }),
    );
    const files: OutputFile[] = [];
    for (const name of staged) {
      await rename(join(stageDir, name), join(outDir, name));
      files.push({ name, path: join(outDir, name) });
    }
    return { files, width: w, height: h, totalCount };
  });
}
