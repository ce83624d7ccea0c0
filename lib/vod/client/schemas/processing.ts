// Processing actions, reference §4.5. Each starts an asynchronous task and answers its vodTaskId.
import * as z from 'zod';
import { envelopeFields, flag, idString } from './common';

const definition = z.lazy(() => z.number().int().nonnegative());

/** The answer of every task-starting action. */
export const taskStartedResponse = z.lazy(() => z.looseObject({ ...envelopeFields, vodTaskId: z.string().min(1) }));

export const convertVodFileParams = z.lazy(() =>
  z.strictObject({
    fileId: idString,
    isScreenshot: flag.optional(),
    isWatermark: flag.optional(),
    notifyUrl: z.string().optional(),
  }),
);
// The doc shows only code/message; the live answer also had vodTaskId (tcpicli).
export const convertVodFileResponse = z.lazy(() => z.looseObject({ ...envelopeFields, vodTaskId: z.string().optional() }));

export const processFileParams = z.lazy(() =>
  z.strictObject({
    fileId: idString,
    transcode: z
      .strictObject({
        /** Template ids, flattened transcode.definition.0, .1 … */
        definition: z.array(definition).min(1),
        watermark: flag.optional(),
        hlsMasterPlaylist: flag.optional(),
        disableHigherBitrate: flag.optional(),
        drm: z.strictObject({ definition }).optional(),
      })
      .optional(),
    sampleSnapshot: z.strictObject({ definition }).optional(),
    coverBySnapshot: z
      .strictObject({
        definition,
        positionType: z.enum(['Time', 'Percent']),
        position: z.number().nonnegative(),
      })
      .optional(),
    snapshotByTimeOffset: z.strictObject({ definition, timeOffset: z.array(z.number().int().nonnegative()).min(1) }).optional(),
    imageSprite: z.strictObject({ definition }).optional(),
    notifyMode: z.enum(['Finish', 'Change', 'None']).optional(),
  }),
);

export const createSnapshotByTimeOffsetParams = z.lazy(() =>
  z.strictObject({
    fileId: idString,
    definition,
    /** Milliseconds, flattened timeOffset.0, .1 … */
    timeOffset: z.array(z.number().int().nonnegative()).min(1),
  }),
);

export const createImageSpriteParams = z.lazy(() => z.strictObject({ fileId: idString, definition }));

export const concatVideoParams = z.lazy(() =>
  z.strictObject({
    srcFileList: z
      .array(z.strictObject({ fileId: idString }))
      .min(1)
      .max(500),
    name: z.string().min(1),
    dstType: z.array(z.enum(['mp4', 'm3u8'])).min(1),
  }),
);

export const clipVideoParams = z.lazy(() =>
  z.strictObject({
    fileId: idString,
    newFileName: z.string().min(1),
    /** Seconds; ≥ 0 from the head, < 0 from the tail. */
    startTimeOffset: z.number().optional(),
    endTimeOffset: z.number().optional(),
  }),
);
