// Upload: pull from a URL (general API) and the chunked server upload on the data-upload host,
// reference §4.1.2, §4.1.6, §3.4.
import * as z from 'zod';
import { envelopeFields, flag, idString, list, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, num, optNum, str, uploadEnvelopeFields } from './common';

export { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE };

const sha1Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/, 'expected the SHA-1 of the file, 40 hex digits')
  .transform((s) => s.toLowerCase());
const md5Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'expected an MD5, 32 hex digits')
  .transform((s) => s.toLowerCase());

export const multiPullVodFileParams = z.lazy(() =>
  z.strictObject({
    /** Flattened 0-based per the newest doc ("n 从0开始"): pullset.0.url … Up to 50 videos. */
    pullset: z
      .array(
        z.strictObject({
          url: z.string().min(1),
          fileName: z.string().min(1),
          fileMd5: z.string().optional(),
          isTranscode: flag.optional(),
          isScreenshot: flag.optional(),
          isWatermark: flag.optional(),
          classId: z.number().int().optional(),
          /** Comma separated on the wire; an array is joined. */
          tags: z
            .union([z.string(), z.array(z.string())])
            .optional()
            .transform((t) => (Array.isArray(t) ? t.join(',') : t)),
          priority: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
        }),
      )
      .min(1)
      .max(50),
  }),
);

// snake_case inside `data` (as documented and live).
export const multiPullVodFileResponse = z.lazy(() =>
  z.looseObject({
    ...envelopeFields,
    data: list(
      z.looseObject({
        source_url: str,
        file_id: idString,
        file_name: str,
        vod_task_id: z.string(),
      }),
    ),
  }),
);

export const initUploadParams = z.lazy(() =>
  z.strictObject({
    fileName: z.string().min(1),
    fileSha: sha1Hex,
    fileSize: z.number().int().positive(),
    dataSize: z.number().int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE),
    fileType: z.string().min(1),
    /** Flattened 1-based (tags.1 …), like the official SDKs' InitUpload and CreateVodTags. */
    tags: z.array(z.string()).optional(),
    classId: z.number().int().optional(),
    isTranscode: flag.optional(),
    isScreenshot: flag.optional(),
    isWatermark: flag.optional(),
  }),
);

export const uploadedPart = z.lazy(() =>
  z.looseObject({
    offset: num,
    dataSize: num,
    dataMd5: z.string().optional(),
  }),
);

/** code 0: upload every part; 1: some parts present (resume, use `dataSize`); 2: file exists. */
export const initUploadResponse = z.lazy(() =>
  z.looseObject({
    ...uploadEnvelopeFields,
    listParts: list(uploadedPart),
    dataSize: optNum,
    fileId: idString.optional(),
    url: z.string().optional(),
  }),
);

export const uploadPartParams = z.lazy(() =>
  z.strictObject({
    fileSha: sha1Hex,
    offset: z.number().int().nonnegative(),
    /** The chunk; `dataSize` is its length and `dataMd5` is computed when absent. */
    data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected the chunk bytes (Uint8Array)'),
    dataMd5: md5Hex.optional(),
  }),
);

export const uploadPartResponse = z.lazy(() => z.looseObject(uploadEnvelopeFields));

export const finishUploadParams = z.lazy(() => z.strictObject({ fileSha: sha1Hex }));
export const finishUploadResponse = z.lazy(() =>
  z.looseObject({
    ...uploadEnvelopeFields,
    fileId: idString,
    url: z.string().optional(),
  }),
);
