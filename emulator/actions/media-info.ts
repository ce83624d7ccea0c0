// GetVideoInfo, DescribeVodPlayUrls, DescribeVodInfo (reference §4.2).
import { ApiError } from '../protocol';
import { coverUrlOf, metaDataOf, playSetOf, urlOf } from '../tasks/common';
import { render } from '../urls';
import { classNameOf, dateTime, parseBeijing } from './classes';
import { fileArg, fileById } from './files';
import type { ActionHandler } from './types';

const INFO_FILTERS = [
  'basicInfo',
  'metaData',
  'drm',
  'transcodeInfo',
  'imageSpriteInfo',
  'snapshotByTimeOffsetInfo',
  'sampleSnapshotInfo',
  'keyFrameDescInfo',
] as const;

export const getVideoInfo: ActionHandler = (call) => {
  const file = fileArg(call);
  const filters = call.args.list('infoFilter', 20);
  for (const f of filters)
    if (!(INFO_FILTERS as readonly string[]).includes(f))
      throw new ApiError(4000, `infoFilter ${f} is not one of ${INFO_FILTERS.join(', ')}`);
  const want = (f: (typeof INFO_FILTERS)[number]) => filters.length === 0 || filters.includes(f);
  const out: Record<string, unknown> = {};
  if (want('basicInfo')) {
    out.basicInfo = {
      name: file.name,
      size: file.size,
      duration: file.metaData ? Math.round(file.metaData.duration) : 0,
      description: file.description,
      status: file.status === 'normal' ? 'normal' : file.status,
      createTime: file.createTime,
      updateTime: file.updateTime,
      expireTime: file.expireTime,
      classificationId: file.classId,
      classificationName: classNameOf(call, file.classId),
      playerId: 0,
      coverUrl: coverUrlOf(file),
      type: file.type,
      sourceVideoUrl: urlOf(file, file.sourceName),
      tags: file.tags,
    };
  }
  if (want('metaData') && file.metaData) out.metaData = metaDataOf(file.metaData);
  if (want('transcodeInfo')) {
    out.transcodeInfo = {
      transcodeList: Object.values(file.transcodes)
        .sort((a, b) => a.definition - b.definition)
        .map((t) => ({ url: urlOf(file, t.name), definition: t.definition, ...metaDataOf(t.info) })),
    };
  }
  if (want('imageSpriteInfo')) {
    out.imageSpriteInfo = {
      imageSpriteList: file.imageSprites.map((s) => ({
        definition: s.definition,
        height: s.height,
        width: s.width,
        totalCount: s.totalCount,
        imageUrls: s.names.map((n) => urlOf(file, n)),
      })),
    };
  }
  if (want('snapshotByTimeOffsetInfo')) {
    out.snapshotByTimeOffsetInfo = {
      snapshotByTimeOffsetList: file.snapshotsByTimeOffset.map((s) => ({
        definition: s.definition,
        picInfoList: s.pics.map((p) => ({ timeOffset: p.timeOffset, url: urlOf(file, p.name) })),
      })),
    };
  }
  if (want('sampleSnapshotInfo')) {
    // The live response shape (an object with sampleSnapshotList), reference §4.2.
    out.sampleSnapshotInfo = {
      sampleSnapshotList: file.sampleSnapshots.map((s) => ({
        definition: s.definition,
        sampleType: s.sampleType,
        interval: s.interval,
        imageUrls: s.names.map((n) => urlOf(file, n)),
      })),
    };
  }
  return render(out, call.ctx.baseUrl());
};

export const describeVodPlayUrls: ActionHandler = (call) => {
  const file = fileArg(call);
  if (file.status !== 'normal') throw new ApiError(10009, `file ${file.fileId} is not ready`);
  return { playSet: render(playSetOf(file), call.ctx.baseUrl()) };
};

/** DescribeVodInfo status codes: −1 not uploaded, 2 normal (reference §4.2). */
const vodStatus = (s: string) => (s === 'normal' ? 2 : -1);

function parseDate(v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const t = parseBeijing(v); // Beijing time, as the service read it
  if (t === undefined) throw new ApiError(4000, `${v} is not a date (YYYY-MM-DD HH:MM:SS)`);
  return t;
}

export const describeVodInfo: ActionHandler = (call) => {
  const { args } = call;
  const ids = args.list('fileIds', 100);
  const from = parseDate(args.str('from', { max: 32 }), 0);
  const to = parseDate(args.str('to', { max: 32 }), parseBeijing('2038-01-01 00:00:00')!);
  const classId = args.int('classId');
  const status = args.int('status');
  const desc = (args.int('orderby', { min: 0, max: 1 }) ?? 1) === 1;
  const pageNo = args.int('pageNo', { min: 1 }) ?? 1;
  const pageSize = args.int('pageSize', { min: 1, max: 100 }) ?? 10;
  const files = ids.length
    ? ids.map((id) => {
        try {
          return fileById(call, id);
        } catch {
          return undefined;
        }
      })
    : Object.values(call.ctx.store.state.files).filter((f) => f.appId === call.account.appId);
  const matching = files
    .filter((f) => f !== undefined)
    .filter((f) => f.createTime >= from && f.createTime <= to)
    .filter((f) => classId === undefined || f.classId === classId)
    .filter((f) => status === undefined || vodStatus(f.status) === status)
    .sort((a, b) => (desc ? b.createTime - a.createTime : a.createTime - b.createTime));
  const page = matching.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  // 1.0-era response: numbers as strings (reference §4.2 example).
  const fileSet = page.map((f) => ({
    fileId: f.fileId,
    fileName: f.name,
    fileIntro: f.description,
    size: String(f.size),
    duration: String(f.metaData ? Math.round(f.metaData.duration) : 0),
    status: String(vodStatus(f.status)),
    vid: `${f.appId}_${f.fileId}`,
    createTime: dateTime(f.createTime),
    updateTime: dateTime(f.updateTime),
    classId: String(f.classId),
    className: classNameOf(call, f.classId),
    imageUrl: coverUrlOf(f),
    tags: f.tags,
    description: f.description,
  }));
  return { totalCount: matching.length, fileSet: render(fileSet, call.ctx.baseUrl()) };
};
