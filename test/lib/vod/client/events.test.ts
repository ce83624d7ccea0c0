// The nine event bodies (reference §4.7.4) with the documented variants, and the parser's contract:
// known types must match, unknown types pass untyped, nothing throws from safeParseVodEvent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isKnownVodEvent,
  parseVodEvent,
  safeParseVodEvent,
  VOD_EVENT_TYPES,
  VodEventError,
  type VodEvent,
} from '../../../../lib/vod/client/events';

const DOC_EXAMPLES: Record<string, unknown> = {
  NewFileUpload: {
    version: '4.0',
    eventType: 'NewFileUpload',
    data: {
      fileId: '145080710982449590xx',
      fileName: 'show title',
      coverUrl: 'imgurl',
      fileUrl: 'http://12530394xx.vod2.myqcloud.com/vod251000330/14508071098244959037/f0.flv',
      transcodeTaskId: 'transcode-0bee89b07a248e27c83fc3d5951213c1',
      procedureTaskId: '12530394xx-mango-fa2fdf6a0f850d673be119cf51a7603a',
      sourceType: 'Record',
      sourceContext: 'rtmp://54xx.livepush.myqcloud.com/live?bizid=54xx&record=mp4&xx',
      author: '',
      streamId: '54xx_45',
    },
  },
  PullComplete: {
    version: '4.0',
    eventType: 'PullComplete',
    data: {
      status: 0,
      message: '',
      vodTaskId: 'Pull-f5ac8127b3b6b85cdc13f237c6005d8',
      fileId: '14508071098244959037',
      fileUrl: 'http://251000330.vod2.myqcloud.com/vod251000330/14508071098244959037/f0.flv',
      transcodeTaskId: 'transcode-0bee89b07a248e27c83fc3d5951213c1',
    },
  },
  TranscodeComplete: {
    version: '4.0',
    eventType: 'TranscodeComplete',
    data: {
      status: 0,
      message: '',
      vodTaskId: 'Transcode-1edb7eb88a599d05abe451cfc541cfbd',
      fileId: '14508071098244931831',
      fileName: '13425173277_2015-09-06-19-06-11_2015-09-06-19-16-11',
      duration: 599,
      coverUrl: 'http://p.qpic.cn/videoyun/0/1203_8a5015084d4f47cd9a0bc5ecfe78aecb_1/640',
      playSet: [{ url: 'http://vcloud1203.tc.qq.com/1203_8a50.f0.mp4', definition: 0, vbitrate: 246000, vheight: 480, vwidth: 640 }],
    },
  },
  ConcatComplete: {
    version: 4,
    eventType: 'ConcatComplete',
    data: {
      status: 0,
      message: '',
      vodTaskId: 'concat-1edb7eb88a599d05abe451cfc541cfbd',
      fileInfo: [{ fileId: '14508071098244931831', fileUrl: 'http://x/playlist.f6.m3u8', fileType: 'm3u8' }],
    },
  },
  ClipComplete: {
    version: '4.0',
    eventType: 'ClipComplete',
    data: { vodTaskId: 'clipVideo-1', srcFileId: '1', fileInfo: { status: -43001, message: '' } },
  },
  CreateImageSpriteComplete: {
    version: '4.0',
    eventType: 'CreateImageSpriteComplete',
    data: {
      status: 0,
      message: '',
      vodTaskId: 'CreateImageSprite-1',
      fileId: '1',
      definition: 10,
      totalCount: 3,
      imageSpriteUrl: ['http://x/a.jpg'],
    },
  },
  CreateSnapshotByTimeOffsetComplete: {
    version: '4.0',
    eventType: 'CreateSnapshotByTimeOffsetComplete',
    data: {
      message: '',
      vodTaskId: 'CreateSnapshotByTimeOffset-1',
      fileId: '1',
      definition: 10,
      picInfo: [
        { timeOffset: 1000, url: 'http://x/1.jpg', status: 0 },
        { status: -46204, timeOffset: 1000000 },
      ],
    },
  },
  FileDeleted: {
    version: '4.0',
    eventType: 'FileDeleted',
    data: { status: 0, message: '', fileInfo: [{ fileId: '24961954183381008' }] },
  },
  ProcedureStateChanged: {
    version: '4.0',
    eventType: 'ProcedureStateChanged',
    data: {
      vodTaskId: '251000333-mango-c27bdf65ea06646171e714f25f5aac63',
      status: 'FINISH',
      errCode: 0,
      message: '',
      fileId: '24961954183381008',
      metaData: {
        size: 1000,
        container: 'mp4',
        bitrate: 500,
        height: 120,
        width: 160,
        md5: 'x',
        duration: 2,
        videoStreamList: [],
        audioStreamList: [],
      },
      processTaskList: [
        {
          taskType: 'Transcode',
          status: 'SUCCESS',
          errCode: 0,
          message: '',
          input: { definition: 20, watermark: 0 },
          output: { url: 'http://x/f0.f20.mp4' },
        },
        {
          taskType: 'SampleSnapshot',
          status: 'SUCCESS',
          errCode: 0,
          message: '',
          input: { definition: 10 },
          output: { imageUrls: ['http://x/s.jpg'] },
        },
        {
          taskType: 'CoverBySnapshot',
          status: 'SUCCESS',
          errCode: 0,
          message: '',
          input: { definition: 10 },
          output: { image_url: 'http://x/c.jpg' },
        },
        {
          taskType: 'SnapshotByTimeOffset',
          status: 'FAIL',
          errCode: 30009,
          message: 'source',
          input: { definition: 10, timeOffset: [1000] },
        },
      ],
    },
  },
};

describe('the nine event bodies', () => {
  it('covers exactly the nine documented types', () => {
    expect([...VOD_EVENT_TYPES].sort()).toEqual(Object.keys(DOC_EXAMPLES).sort());
  });

  it.each(Object.entries(DOC_EXAMPLES))('%s doc example parses as a known event', (type, body) => {
    const event = parseVodEvent(body);
    expect(event.eventType).toBe(type);
    expect(event.version).toBe('4.0');
    expect(isKnownVodEvent(event)).toBe(true);
  });

  it('normalises the variants', () => {
    const concat = parseVodEvent(DOC_EXAMPLES.ConcatComplete) as Extract<VodEvent, { eventType: 'ConcatComplete' }>;
    expect(concat.version).toBe('4.0'); // was the number 4
    const clip = parseVodEvent(DOC_EXAMPLES.ClipComplete) as Extract<VodEvent, { eventType: 'ClipComplete' }>;
    expect(clip.data.fileInfo).toEqual({ status: -43001, message: '' });
    const clipArray = parseVodEvent({
      version: '4.0',
      eventType: 'ClipComplete',
      data: { fileInfo: [{ fileId: '9', status: 0 }] },
    }) as typeof clip;
    expect(clipArray.data.fileInfo).toMatchObject({ fileId: '9', status: 0 });
    const proc = parseVodEvent(DOC_EXAMPLES.ProcedureStateChanged) as Extract<VodEvent, { eventType: 'ProcedureStateChanged' }>;
    expect(proc.data.processTaskList[2]?.output?.imageUrl).toBe('http://x/c.jpg');
    expect(proc.data.processTaskList[3]).toMatchObject({ status: 'FAIL', errCode: 30009 });
    const finished = parseVodEvent({ version: '4.0', eventType: 'ProcedureStateChanged', data: { status: 'FINISHED', errCode: '0' } });
    expect(finished).toMatchObject({ data: { status: 'FINISH', errCode: 0 } });
  });

  it('keeps unknown extra fields', () => {
    const event = parseVodEvent({
      ...(DOC_EXAMPLES.PullComplete as object),
      extra: 1,
      data: { ...(DOC_EXAMPLES.PullComplete as { data: object }).data, newField: 'x' },
    });
    expect(event).toMatchObject({ extra: 1, data: { newField: 'x' } });
  });

  it('accepts a raw JSON string or bytes', () => {
    const text = JSON.stringify(DOC_EXAMPLES.FileDeleted);
    expect(parseVodEvent(text).eventType).toBe('FileDeleted');
    expect(parseVodEvent(Buffer.from(text)).eventType).toBe('FileDeleted');
  });
});

describe('failures', () => {
  it('a known type with a broken body is refused, with its own schema issues', () => {
    const result = safeParseVodEvent({ version: '4.0', eventType: 'ProcedureStateChanged', data: { status: 'EXPLODED' } });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.eventType).toBe('ProcedureStateChanged');
    expect(result.issues.join()).toMatch(/data\.status/);
    expect(() => parseVodEvent({ version: '4.0', eventType: 'FileDeleted', data: { fileInfo: 'no' } })).toThrow(VodEventError);
  });

  it('an unknown type passes through untyped', () => {
    const event = parseVodEvent({ version: '4.0', eventType: 'PornCheckComplete', data: { x: 1 } });
    expect(isKnownVodEvent(event)).toBe(false);
    expect(event.data).toEqual({ x: 1 });
  });

  it('not JSON, not an object', () => {
    expect(safeParseVodEvent('{oops')).toEqual({ success: false, issues: ['body is not JSON'] });
    expect(safeParseVodEvent(null).success).toBe(false);
    expect(safeParseVodEvent({ eventType: 'PullComplete' }).success).toBe(false);
  });

  it('safeParseVodEvent never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.jsonValue(), fc.string()), (input) => {
        const result = safeParseVodEvent(input);
        expect(typeof result.success).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
