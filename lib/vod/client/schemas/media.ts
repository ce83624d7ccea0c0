// Media information and management, reference §4.2–§4.3.
import * as z from 'zod';
import { envelopeFields, idString, list, num, optNum, str } from './common';
import { metaData, playItem, streamInfo } from './media-info';

export { metaData, playItem, streamInfo };

export const infoFilter = z.lazy(() =>
  z.enum([
    'basicInfo',
    'metaData',
    'drm',
    'transcodeInfo',
    'imageSpriteInfo',
    'snapshotByTimeOffsetInfo',
    'sampleSnapshotInfo',
    'keyFrameDescInfo',
  ]),
);

export const getVideoInfoParams = z.lazy(() =>
  z.strictObject({
    fileId: idString,
    /** Omit for everything. Flattened 0-based: infoFilter.0, infoFilter.1 … */
    infoFilter: z.array(infoFilter).optional(),
  }),
);

const sampleSnapshot = z
  .looseObject({
    definition: num,
    sampleType: z.string().optional(),
    interval: optNum,
    Interval: optNum,
    imageUrls: list(z.string()),
  })
  .transform(({ Interval, ...rest }) => ({ ...rest, interval: rest.interval ?? Interval }));

/** Doc example: a bare array with `Interval`; live: `{sampleSnapshotList: […]}` (reference §8.5). */
const sampleSnapshotInfo = z
  .union([z.array(sampleSnapshot), z.looseObject({ sampleSnapshotList: list(sampleSnapshot) })])
  .transform((v) => (Array.isArray(v) ? { sampleSnapshotList: v } : v));

export const transcodeItem = z.lazy(() =>
  z.looseObject({
    url: z.string(),
    definition: num,
    bitrate: optNum,
    height: optNum,
    width: optNum,
    size: optNum,
    duration: optNum,
    container: z.string().optional(),
    md5: z.string().optional(),
    videoStreamList: list(streamInfo),
    audioStreamList: list(streamInfo),
  }),
);

export const getVideoInfoResponse = z.lazy(() =>
  z.looseObject({
    ...envelopeFields,
    basicInfo: z
      .looseObject({
        name: str,
        size: optNum,
        duration: optNum,
        description: str,
        status: str,
        createTime: optNum,
        updateTime: optNum,
        expireTime: optNum,
        classificationId: optNum,
        classificationName: str,
        playerId: optNum,
        coverUrl: str,
        type: str,
        sourceVideoUrl: str,
        tags: list(z.string()),
      })
      .optional(),
    metaData: metaData.optional(),
    drm: z
      .looseObject({
        definition: optNum,
        encryptType: z.string().optional(),
        keySource: z.string().optional(),
        getKeyUrl: z.string().optional(),
        edkList: list(z.string()),
      })
      .optional(),
    transcodeInfo: z.looseObject({ transcodeList: list(transcodeItem) }).optional(),
    sampleSnapshotInfo: sampleSnapshotInfo.optional(),
    imageSpriteInfo: z
      .looseObject({
        imageSpriteList: list(
          z.looseObject({
            definition: num,
            height: optNum,
            width: optNum,
            totalCount: optNum,
            imageUrls: list(z.string()),
          }),
        ),
      })
      .optional(),
    snapshotByTimeOffsetInfo: z
      .looseObject({
        snapshotByTimeOffsetList: list(
          z.looseObject({
            definition: num,
            picInfoList: list(z.looseObject({ timeOffset: num, url: z.string() })),
          }),
        ),
      })
      .optional(),
  }),
);

export const describeVodPlayUrlsParams = z.lazy(() => z.strictObject({ fileId: idString }));
export const describeVodPlayUrlsResponse = z.lazy(() => z.looseObject({ ...envelopeFields, playSet: list(playItem) }));

export const describeVodInfoParams = z.lazy(() =>
  z.strictObject({
    /** Flattened 1-based as in the doc example (fileIds.1); the doc says batches are not supported yet. */
    fileIds: z.array(idString).optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    classId: z.number().int().optional(),
    status: z.number().int().optional(),
    orderby: z.union([z.literal(0), z.literal(1)]).optional(),
    pageNo: z.number().int().min(1).optional(),
    pageSize: z.number().int().min(10).max(100).optional(),
  }),
);

/** A 1.0-era file record: numbers as strings, `image_url` or `imageUrl` (reference §4.2, §8.6). */
const vodFile = z
  .looseObject({
    fileId: idString,
    fileName: str,
    fileIntro: str,
    size: optNum,
    duration: optNum,
    status: optNum,
    vid: z.string().optional(),
    createTime: str,
    updateTime: str,
    classId: optNum,
    className: str,
    imageUrl: z.string().optional(),
    image_url: z.string().optional(),
    tags: list(z.string()),
    description: str,
  })
  .transform(({ image_url, ...rest }) => ({ ...rest, imageUrl: rest.imageUrl ?? image_url ?? '' }));

export const describeVodInfoResponse = z.lazy(() =>
  z.looseObject({
    ...envelopeFields,
    totalCount: optNum,
    fileSet: list(vodFile),
  }),
);

export const modifyVodInfoParams = z.lazy(() =>
  z.strictObject({
    fileId: idString,
    fileName: z.string().optional(),
    fileIntro: z.string().optional(),
    classId: z.number().int().optional(),
    /** `Y-m-d H:i:s`, e.g. 2017-10-01 00:00:00. */
    expireTime: z.string().optional(),
  }),
);

export const deleteVodFileParams = z.lazy(() =>
  z.strictObject({
    fileId: idString,
    /** Required by the doc: 0 normal (default here), 1 high, 2 low. */
    priority: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    isFlushCdn: z.union([z.literal(0), z.literal(1)]).optional(),
  }),
);
