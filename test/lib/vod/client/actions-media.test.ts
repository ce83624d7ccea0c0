// Classes, upload and media actions: the params as the server sees them (names, flattening,
// index base) and the parsed response (doc examples, reference §4), over real HTTP.
import { describe, expect, it } from 'vitest';
import { SHA, useActionFixture } from './action-fixture';

const f = useActionFixture();
const sent = (action: string) => f.sent(action);
const reply = (json: Record<string, unknown>) => f.reply(json);

describe('classes', () => {
  it('DescribeClass: no params; string ids become numbers', async () => {
    reply({ data: [{ id: '0', name: '其他', create_time: '2014-11-27 10:22:37', update_time: '2014-11-27 10:22:37' }] });
    const res = await f.vod.describeClass();
    expect(sent('DescribeClass')).toEqual({});
    expect(res.data).toEqual([{ id: 0, name: '其他', create_time: '2014-11-27 10:22:37', update_time: '2014-11-27 10:22:37' }]);
  });

  it('DescribeAllClass: recursive tree', async () => {
    reply({
      data: [
        {
          info: { id: 149, parent_id: -1, name: '测试', level: 0, file_num: 0 },
          subclass: [{ info: { id: 213, parent_id: 149, name: '新的二级分类', level: 1, file_num: 0 }, subclass: [] }],
        },
      ],
    });
    const res = await f.vod.describeAllClass();
    expect(sent('DescribeAllClass')).toEqual({});
    expect(res.data[0]?.info.name).toBe('测试');
    expect(res.data[0]?.subclass[0]?.info).toMatchObject({ id: 213, parent_id: 149 });
  });

  it('CreateClass: newClassId "250" → 250', async () => {
    reply({ newClassId: '250' });
    const res = await f.vod.createClass({ className: 'sports', parentId: -1 });
    expect(sent('CreateClass')).toEqual({ className: 'sports', parentId: '-1' });
    expect(res.newClassId).toBe(250);
  });

  it('ModifyClass and DeleteClass', async () => {
    await f.vod.modifyClass({ classId: 12, className: 'news' });
    expect(sent('ModifyClass')).toEqual({ classId: '12', className: 'news' });
    f.server.reset();
    const res = await f.vod.deleteClass({ classId: 12 });
    expect(sent('DeleteClass')).toEqual({ classId: '12' });
    expect(res).toMatchObject({ code: 0, message: '' });
  });
});

describe('upload', () => {
  it('MultiPullVodFile: pullset 0-based, tags joined; snake_case data', async () => {
    reply({
      data: [
        {
          source_url: 'http://www.demo.com/1.mp4',
          file_id: '11624759161874546966',
          file_name: 'MyTestVideo',
          vod_task_id: 'pull-d4eeccd2563c711d14405f217ea4f82e',
        },
      ],
    });
    const res = await f.vod.multiPullVodFile({
      pullset: [
        { url: 'http://www.demo.com/1.mp4', fileName: 'MyTestVideo', isTranscode: true, tags: ['a', 'b'] },
        { url: 'http://www.demo.com/2.mp4?x=1&y=2', fileName: 'second', priority: 1 },
      ],
    });
    expect(sent('MultiPullVodFile')).toEqual({
      'pullset.0.url': 'http://www.demo.com/1.mp4',
      'pullset.0.fileName': 'MyTestVideo',
      'pullset.0.isTranscode': '1',
      'pullset.0.tags': 'a,b',
      'pullset.1.url': 'http://www.demo.com/2.mp4?x=1&y=2',
      'pullset.1.fileName': 'second',
      'pullset.1.priority': '1',
    });
    expect(res.data).toEqual([
      {
        source_url: 'http://www.demo.com/1.mp4',
        file_id: '11624759161874546966',
        file_name: 'MyTestVideo',
        vod_task_id: 'pull-d4eeccd2563c711d14405f217ea4f82e',
      },
    ]);
  });

  it('InitUpload: tags 1-based, sha lowercased; code 1 listParts parsed', async () => {
    f.server.enqueue({
      json: {
        code: 1,
        message: '',
        codeDesc: '',
        canRetry: 0,
        dataSize: '524288',
        listParts: [{ offset: '0', dataSize: 524288, dataMd5: 'ab'.repeat(16) }],
      },
    });
    const res = await f.vod.initUpload({
      fileName: 'a.mp4',
      fileSha: SHA.toUpperCase(),
      fileSize: 2_000_000,
      dataSize: 524_288,
      fileType: 'mp4',
      tags: ['x', 'y'],
      classId: 3,
      isTranscode: 1,
    });
    expect(sent('InitUpload')).toEqual({
      fileName: 'a.mp4',
      fileSha: SHA,
      fileSize: '2000000',
      dataSize: '524288',
      fileType: 'mp4',
      'tags.1': 'x',
      'tags.2': 'y',
      classId: '3',
      isTranscode: '1',
    });
    expect(res).toMatchObject({ code: 1, dataSize: 524_288, canRetry: 0, listParts: [{ offset: 0, dataSize: 524_288 }] });
  });

  it('UploadPart: dataSize and dataMd5 computed from the chunk', async () => {
    const data = Buffer.from('hello');
    await f.vod.uploadPart({ fileSha: SHA, offset: 1_048_576, data });
    expect(sent('UploadPart')).toEqual({
      fileSha: SHA,
      offset: '1048576',
      dataSize: '5',
      dataMd5: '5d41402abc4b2a76b9719d911017c592',
    });
    expect(f.server.requests[0]?.body.toString()).toBe('hello');
  });

  it('FinishUpload', async () => {
    reply({
      canRetry: 0,
      codeDesc: '',
      fileId: '7031868222808505913',
      url: 'http://10013.vod2.myqcloud.com/vod10013/7031868222808505913/f0.mp4',
    });
    const res = await f.vod.finishUpload({ fileSha: SHA });
    expect(sent('FinishUpload')).toEqual({ fileSha: SHA });
    expect(f.server.requests[0]?.path).toBe('/v3/index.php');
    expect(res).toMatchObject({ fileId: '7031868222808505913', url: expect.stringContaining('f0.mp4') });
  });
});

describe('media', () => {
  it('GetVideoInfo: infoFilter 0-based; doc example parsed', async () => {
    reply({
      basicInfo: {
        name: 'test file',
        size: 1000,
        duration: 10,
        createTime: 1485156352,
        classificationId: 1,
        type: 'mp4',
        sourceVideoUrl: 'http://x/f0.mp4',
      },
      transcodeInfo: { transcodeList: [{ url: 'http://x/f0.f210.m3u8', definition: 211, bitrate: 563477, height: 378, width: 672 }] },
      imageSpriteInfo: { imageSpriteList: [{ definition: 10, height: 576, width: 1024, totalCount: 100, imageUrls: ['http://x/s.jpg'] }] },
      snapshotByTimeOffsetInfo: { snapshotByTimeOffsetList: [{ definition: 10, picInfoList: [{ timeOffset: 0, url: 'http://x/t.jpg' }] }] },
      sampleSnapshotInfo: [{ definition: 10, sampleType: 'percent', Interval: 10, imageUrls: ['http://x/1.jpg'] }],
    });
    const res = await f.vod.getVideoInfo({ fileId: '24961954183381008', infoFilter: ['basicInfo', 'transcodeInfo'] });
    expect(sent('GetVideoInfo')).toEqual({ fileId: '24961954183381008', 'infoFilter.0': 'basicInfo', 'infoFilter.1': 'transcodeInfo' });
    expect(res.basicInfo).toMatchObject({ name: 'test file', size: 1000, duration: 10, type: 'mp4' });
    expect(res.transcodeInfo?.transcodeList[0]).toMatchObject({ definition: 211, width: 672 });
    expect(res.imageSpriteInfo?.imageSpriteList[0]?.totalCount).toBe(100);
    expect(res.snapshotByTimeOffsetInfo?.snapshotByTimeOffsetList[0]?.picInfoList[0]?.url).toBe('http://x/t.jpg');
    expect(res.sampleSnapshotInfo?.sampleSnapshotList[0]).toMatchObject({ interval: 10, sampleType: 'percent' });
  });

  it('GetVideoInfo: the live sampleSnapshotInfo object shape reads the same', async () => {
    reply({
      sampleSnapshotInfo: {
        sampleSnapshotList: [{ definition: 10, sampleType: 'percent', interval: '20', imageUrls: ['http://x/1.jpg'] }],
      },
    });
    const res = await f.vod.getVideoInfo({ fileId: '1' });
    expect(sent('GetVideoInfo')).toEqual({ fileId: '1' });
    expect(res.sampleSnapshotInfo?.sampleSnapshotList).toEqual([
      { definition: 10, sampleType: 'percent', interval: 20, imageUrls: ['http://x/1.jpg'] },
    ]);
  });

  it('DescribeVodPlayUrls', async () => {
    reply({ playSet: [{ url: 'http://x/f0.mp4', definition: 0, vbitrate: 2332000, vheight: 576, vwidth: 1024 }] });
    const res = await f.vod.describeVodPlayUrls({ fileId: '1976554120332374777' });
    expect(sent('DescribeVodPlayUrls')).toEqual({ fileId: '1976554120332374777' });
    expect(res.playSet).toEqual([{ url: 'http://x/f0.mp4', definition: 0, vbitrate: 2332000, vheight: 576, vwidth: 1024 }]);
  });

  it('DescribeVodInfo: fileIds 1-based; numbers as strings and image_url normalised', async () => {
    reply({
      totalCount: '1',
      fileSet: [
        {
          fileId: '1976554120332374777',
          fileName: '蓝色茉莉',
          size: '7865592',
          duration: '147',
          status: '2',
          createTime: '2015-01-12 21:37:11',
          classId: '0',
          className: '其他',
          image_url: 'http://p.qpic.cn/x/640',
          tags: ['其他'],
        },
      ],
    });
    const res = await f.vod.describeVodInfo({ fileIds: ['1976554120332374777'], pageSize: 10 });
    expect(sent('DescribeVodInfo')).toEqual({ 'fileIds.1': '1976554120332374777', pageSize: '10' });
    expect(res.totalCount).toBe(1);
    expect(res.fileSet[0]).toMatchObject({ size: 7_865_592, duration: 147, status: 2, classId: 0, imageUrl: 'http://p.qpic.cn/x/640' });
    expect(res.fileSet[0]).not.toHaveProperty('image_url');
  });

  it('ModifyVodInfo', async () => {
    await f.vod.modifyVodInfo({ fileId: '1', fileName: 'new name', expireTime: '2017-10-01 00:00:00' });
    expect(sent('ModifyVodInfo')).toEqual({ fileId: '1', fileName: 'new name', expireTime: '2017-10-01 00:00:00' });
  });

  it('DeleteVodFile: priority defaults to 0 (required by the doc)', async () => {
    await f.vod.deleteVodFile({ fileId: '24961954183381008' });
    expect(sent('DeleteVodFile')).toEqual({ fileId: '24961954183381008', priority: '0' });
  });
});
