// The processing table against the seed document: every code, every word.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROCESSING_CODES, PROCESSING_RANGES, PROCESSING_SUFFIXES, SEED_TEXT, SOURCE_REQUIREMENTS } from '../../../../lib/vod/errors';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const seedPath = [resolve(repoRoot, '../shared/reference/seed-error-codes.md'), '/work/shared/reference/seed-error-codes.md'].find((path) =>
  existsSync(path),
);

/** `|-43001 | 查询，…|` rows of the seed's "云点播业务错误码" table. */
function parseSeedTable(markdown: string): Map<number, string> {
  const rows = new Map<number, string>();
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*(-\d+)\s*\|(.*)\|\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined) rows.set(Number(match[1]), match[2].trim());
  }
  return rows;
}

/** Seed spacing varies ("解码失败， ffmpeg" vs "解码失败，ffmpeg"); meaning does not. */
const normalise = (text: string): string => text.replace(/([，：])\s+/g, '$1');

describe('seed table', () => {
  it.skipIf(!seedPath)(
    seedPath
      ? `matches ${seedPath} code by code, text verbatim`
      : 'seed-error-codes.md absent (looked in ../shared and /work/shared): comparison skipped',
    () => {
      const seed = parseSeedTable(readFileSync(seedPath!, 'utf8'));
      expect(seed.size).toBe(116);
      expect(PROCESSING_CODES.map((e) => e.code)).toEqual([...seed.keys()]);
      for (const entry of PROCESSING_CODES) expect(entry.message, `${entry.code}`).toBe(seed.get(entry.code));
      expect(Object.keys(SEED_TEXT).map(Number).sort()).toEqual([...seed.keys()].sort());
    },
  );

  it('has 116 codes: 8 ranges x 13 suffixes plus 12 source requirements, no duplicates', () => {
    expect(PROCESSING_RANGES).toHaveLength(8);
    expect(PROCESSING_SUFFIXES).toHaveLength(13);
    expect(SOURCE_REQUIREMENTS).toHaveLength(12);
    expect(PROCESSING_CODES).toHaveLength(116);
    expect(new Set(PROCESSING_CODES.map((e) => e.code)).size).toBe(116);
    expect(Object.keys(SEED_TEXT)).toHaveLength(116);
  });

  it('stores the seed text verbatim for every code, quirks included', () => {
    for (const entry of PROCESSING_CODES) expect(entry.message).toBe(SEED_TEXT[entry.code]);
    expect(SEED_TEXT[-43001]).toBe('查询，查询命令执行： 解码失败， ffmpeg 通知文件已损坏');
    expect(SEED_TEXT[-43029]).toBe('查询，查询命令执行： 解码失败，ffmpeg 解码失败');
    expect(SEED_TEXT[-43189]).toBe('查询，查询待拼接文件的命令执行： 元信息缺失， 原视频编解码器未知');
    expect(SEED_TEXT[-44097]).toBe('截图，截图命令执行： 元信息缺失， no frame in rv30,40 and no sar');
    expect(SEED_TEXT[-47403]).toBe('原文件不符合要求，视频文件width/high/rotate/dar_w/dar_h不合法');
  });

  it('composes every range x suffix code and its text from the two tables', () => {
    for (const range of PROCESSING_RANGES) {
      for (const suffix of PROCESSING_SUFFIXES) {
        const code = -(range.base + suffix.suffix);
        const entry = PROCESSING_CODES.find((e) => e.code === code);
        expect(entry, `${code}`).toBeDefined();
        expect(normalise(entry!.message), `${code}`).toBe(`${range.zh}：${suffix.zh}`);
        expect(entry).toMatchObject({ stage: range.stage, step: range.step, cause: suffix.cause, basis: 'seed' });
      }
    }
  });

  it('lists the -47xxx source requirements with the seed prefix', () => {
    for (const req of SOURCE_REQUIREMENTS) {
      const entry = PROCESSING_CODES.find((e) => e.code === req.code);
      expect(entry?.message.startsWith('原文件不符合要求，'), `${req.code}`).toBe(true);
      expect(entry).toMatchObject({ stage: 'source', step: req.step, cause: req.cause });
    }
  });
});
