// The media blocks that VOD events share with the media actions (stream and container metadata,
// a playable output). Apart from ./media so that the event schemas do not load every media action's.
import * as z from 'zod';
import { list, num, optNum } from './common';

export const streamInfo = z.lazy(() =>
  z.looseObject({
    bitrate: optNum,
    height: optNum,
    width: optNum,
    codec: z.string().optional(),
    fps: optNum,
    samplingRate: optNum,
  }),
);

/** Container-level metadata; bitrate is bps in GetVideoInfo and kbps in ProcedureStateChanged. */
export const metaData = z.looseObject({
  size: optNum,
  container: z.string().optional(),
  bitrate: optNum,
  height: optNum,
  width: optNum,
  md5: z.string().optional(),
  duration: optNum,
  videoStreamList: list(streamInfo),
  audioStreamList: list(streamInfo),
});

/** One playable output, as listed by DescribeVodPlayUrls and TranscodeComplete. */
export const playItem = z.lazy(() =>
  z.looseObject({
    url: z.string(),
    definition: num,
    vbitrate: optNum,
    vheight: optNum,
    vwidth: optNum,
  }),
);
