// Processing, task and event actions, params validation and the raw call: the params as the
// server sees them and the parsed response (doc examples, reference §4), over real HTTP.
import { describe, expect, it } from 'vitest';
import { ACTIONS, safeParseVodEvent, VodParamsError } from '../../../../lib/vod/client';
import { SHA, useActionFixture } from './action-fixture';

const f = useActionFixture();
const sent = (action: string) => f.sent(action);
const reply = (json: Record<string, unknown>) => f.reply(json);

describe('processing', () => {
  it('ConvertVodFile: vodTaskId optional', async () => {
    const res = await f.vod.convertVodFile({ fileId: '1', isScreenshot: 1 });
    expect(sent('ConvertVodFile')).toEqual({ fileId: '1', isScreenshot: '1' });
    expect(res.vodTaskId).toBeUndefined();
  });

  it('ProcessFile: nested params flattened', async () => {
    reply({ vodTaskId: '125xx-Procedure-6a651e8d148c512af27f3b5f3d60f43a' });
    const res = await f.vod.processFile({
      fileId: '24961954183381008',
      transcode: { definition: [210, 220, 230], watermark: true, disableHigherBitrate: 1, drm: { definition: 10 } },
      sampleSnapshot: { definition: 10 },
      coverBySnapshot: { definition: 10, positionType: 'Percent', position: 50 },
      snapshotByTimeOffset: { definition: 10, timeOffset: [0, 1500] },
      imageSprite: { definition: 10 },
      notifyMode: 'Change',
    });
    expect(sent('ProcessFile')).toEqual({
      fileId: '24961954183381008',
      'transcode.definition.0': '210',
      'transcode.definition.1': '220',
      'transcode.definition.2': '230',
      'transcode.watermark': '1',
      'transcode.disableHigherBitrate': '1',
      'transcode.drm.definition': '10',
      'sampleSnapshot.definition': '10',
      'coverBySnapshot.definition': '10',
      'coverBySnapshot.positionType': 'Percent',
      'coverBySnapshot.position': '50',
      'snapshotByTimeOffset.definition': '10',
      'snapshotByTimeOffset.timeOffset.0': '0',
      'snapshotByTimeOffset.timeOffset.1': '1500',
      'imageSprite.definition': '10',
      notifyMode: 'Change',
    });
    expect(res.vodTaskId).toBe('125xx-Procedure-6a651e8d148c512af27f3b5f3d60f43a');
  });

  it('CreateSnapshotByTimeOffset: timeOffset 0-based', async () => {
    reply({ vodTaskId: 'CreateSnapshotByTimeOffset-1' });
    await f.vod.createSnapshotByTimeOffset({ fileId: '1', definition: 10, timeOffset: [1000, 2000] });
    expect(sent('CreateSnapshotByTimeOffset')).toEqual({ fileId: '1', definition: '10', 'timeOffset.0': '1000', 'timeOffset.1': '2000' });
  });

  it('CreateImageSprite', async () => {
    reply({ vodTaskId: 'CreateImageSprite-1' });
    const res = await f.vod.createImageSprite({ fileId: '1', definition: 10 });
    expect(sent('CreateImageSprite')).toEqual({ fileId: '1', definition: '10' });
    expect(res.vodTaskId).toBe('CreateImageSprite-1');
  });

  it('ConcatVideo: srcFileList and dstType 0-based', async () => {
    reply({ vodTaskId: 'concat-1edb7eb88a599d05abe451cfc541cfbd' });
    await f.vod.concatVideo({ srcFileList: [{ fileId: '1' }, { fileId: '2' }], name: 'joined', dstType: ['mp4', 'm3u8'] });
    expect(sent('ConcatVideo')).toEqual({
      'srcFileList.0.fileId': '1',
      'srcFileList.1.fileId': '2',
      name: 'joined',
      'dstType.0': 'mp4',
      'dstType.1': 'm3u8',
    });
  });

  it('ClipVideo', async () => {
    reply({ vodTaskId: 'clipVideo-0a78cf44c4285026a4c' });
    await f.vod.clipVideo({ fileId: '1', newFileName: 'clip', startTimeOffset: 1, endTimeOffset: -2 });
    expect(sent('ClipVideo')).toEqual({ fileId: '1', newFileName: 'clip', startTimeOffset: '1', endTimeOffset: '-2' });
  });
});

describe('tasks', () => {
  it('GetTaskInfo: procedure, FINISHED → FINISH, typed data', async () => {
    reply({
      type: 'Procedure',
      status: 'FINISHED',
      createTime: 1485156352,
      beginProcessTime: 1485156354,
      finishTime: '1485156400',
      data: {
        vodTaskId: '251000333-Procedure-c27bdf65ea06646171e714f25f5aac63',
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
          duration: 2,
          videoStreamList: [{ codec: 'h264', fps: 25 }],
        },
        processTaskList: [
          {
            taskType: 'Transcode',
            status: 'SUCCESS',
            errCode: 0,
            message: '',
            input: { definition: 20 },
            output: { url: 'http://x/f0.f20.mp4', size: 900, container: 'mp4', width: 160, height: 120 },
          },
          { taskType: 'CoverBySnapshot', status: 'FAIL', errCode: 30010, message: 'system', input: { definition: 10 } },
        ],
        dstUrl: 'http://x/', // live-only field: passes through
      },
    });
    const res = await f.vod.getTaskInfo({ vodTaskId: '251000333-Procedure-c27bdf65ea06646171e714f25f5aac63' });
    expect(sent('GetTaskInfo')).toEqual({ vodTaskId: '251000333-Procedure-c27bdf65ea06646171e714f25f5aac63' });
    expect(res).toMatchObject({ type: 'procedure', status: 'FINISH', finishTime: 1485156400 });
    if (res.type !== 'procedure') throw new Error('expected a procedure');
    const data = res.data as NonNullable<Extract<typeof res, { type: 'procedure' }>['data']>;
    expect(data.processTaskList[0]?.output?.url).toBe('http://x/f0.f20.mp4');
    expect(data.processTaskList[1]).toMatchObject({ status: 'FAIL', errCode: 30010 });
    expect(data.metaData?.videoStreamList[0]?.codec).toBe('h264');
    expect(data).toHaveProperty('dstUrl', 'http://x/');
  });

  it('GetTaskInfo: WAITING has no data; pull data typed', async () => {
    reply({ type: 'pull', status: 'WAITING', createTime: 1 });
    expect(await f.vod.getTaskInfo({ vodTaskId: 'pull-1' })).toMatchObject({ type: 'pull', status: 'WAITING' });
    f.server.reset();
    // A 20-digit numeric fileId keeps every digit.
    f.server.enqueue({
      text: '{"code":0,"message":"","type":"pull","status":"FINISH","data":{"status":0,"vodTaskId":"pull-1","fileId":14508071098244959037,"fileUrl":"http://x/f0.mp4"}}',
      contentType: 'application/json',
    });
    const res = await f.vod.getTaskInfo({ vodTaskId: 'pull-1' });
    expect(res.data).toMatchObject({ status: 0, fileId: '14508071098244959037' });
  });

  it('GetTaskInfo: an unknown status is refused', async () => {
    reply({ type: 'pull', status: 'EXPLODED' });
    await expect(f.vod.getTaskInfo({ vodTaskId: 'pull-1' })).rejects.toThrow(/does not match its schema/);
  });

  it('GetTaskList: object (live) and array-by-status (CN doc) both normalise to groups', async () => {
    const task = { vodTaskId: '1-Procedure-d7c9', type: 'procedure', createTime: 1485156352, beginProcessTime: 1485156354, finishTime: 0 };
    reply({ data: { status: 'PROCESSING', next: '68bfa4c7b3244d1c3acb5b70', taskList: [task] } });
    const live = await f.vod.getTaskList({ status: 'PROCESSING', maxCount: 10, fileId: '1' });
    expect(sent('GetTaskList')).toEqual({ status: 'PROCESSING', maxCount: '10', fileId: '1' });
    expect(live.data).toEqual([{ status: 'PROCESSING', next: '68bfa4c7b3244d1c3acb5b70', taskList: [task] }]);

    f.server.reset();
    reply({ data: [{ status: 'FINISHED', next: '', vodTaskList: [{ ...task, type: 'clipVideo' }] }] });
    const cn = await f.vod.getTaskList({ status: 'FINISHED' });
    expect(cn.data).toEqual([{ status: 'FINISH', next: '', taskList: [{ ...task, type: 'clip' }] }]);
  });

  it('RedoTask', async () => {
    await f.vod.redoTask({ vodTaskId: 't-1' });
    expect(sent('RedoTask')).toEqual({ vodTaskId: 't-1' });
  });
});

describe('reliable events', () => {
  it('PullEvent: doc example with version 4 (number) parsed; empty answer → []', async () => {
    reply({
      eventList: [
        {
          msgHandle: 'MsgHandle1',
          eventContent: {
            version: '4.0',
            eventType: 'NewFileUpload',
            data: {
              fileId: '14508071098244959037',
              fileUrl: 'http://x/f0.flv',
              transcodeTaskId: 'transcode-0bee',
              porncheckTaskId: 'porncheck-f5ac',
            },
          },
        },
        {
          msgHandle: 'MsgHandle2',
          eventContent: {
            version: 4,
            eventType: 'ConcatComplete',
            data: {
              status: 0,
              message: '',
              vodTaskId: 'concat-1edb',
              fileInfo: [{ fileId: '14508071098244931831', fileUrl: 'http://x/playlist.f6.m3u8', fileType: 'm3u8' }],
            },
          },
        },
        { msgHandle: 'MsgHandle3', eventContent: { version: '4.0', eventType: 'PornCheckComplete', data: { any: 1 } } },
      ],
    });
    const res = await f.vod.pullEvent();
    expect(sent('PullEvent')).toEqual({});
    expect(res.eventList.map((e) => e.msgHandle)).toEqual(['MsgHandle1', 'MsgHandle2', 'MsgHandle3']);
    // Each event is parsed on its own (one that does not parse must not fail its batch).
    const events = res.eventList.map((e) => safeParseVodEvent(e.eventContent));
    expect(events[1]).toMatchObject({ success: true, event: { version: '4.0', eventType: 'ConcatComplete' } });
    expect(events[2]).toMatchObject({ success: true, event: { eventType: 'PornCheckComplete', data: { any: 1 } } });

    f.server.reset();
    reply({});
    expect((await f.vod.pullEvent()).eventList).toEqual([]);
  });

  it('ConfirmEvent: msgHandle 1-based', async () => {
    await f.vod.confirmEvent({ msgHandle: ['XXXX', 'YYYY'] });
    expect(sent('ConfirmEvent')).toEqual({ 'msgHandle.1': 'XXXX', 'msgHandle.2': 'YYYY' });
  });
});

describe('params validation and the raw call', () => {
  it('bad params are refused before anything is sent', async () => {
    await expect(f.vod.initUpload({ fileName: 'a', fileSha: 'nope', fileSize: 1, dataSize: 100, fileType: 'mp4' })).rejects.toBeInstanceOf(
      VodParamsError,
    );
    // Unknown params are typos, not silently dropped.
    await expect(f.vod.describeVodPlayUrls({ fileId: '1', fileID: '2' } as never)).rejects.toThrow(/fileID/);
    expect(f.server.requests).toHaveLength(0);
  });

  it('call() sends flat params as given and returns the envelope', async () => {
    reply({ extra: { a: 1 } });
    const res = await f.vod.call('DescribeVodPlayUrls', { fileId: '123', 'infoFilter.0': 'basicInfo' });
    expect(sent('DescribeVodPlayUrls')).toEqual({ fileId: '123', 'infoFilter.0': 'basicInfo' });
    expect(res).toMatchObject({ attempts: 1, status: 200, envelope: { code: 0, message: '' }, body: { code: 0, extra: { a: 1 } } });
  });

  it('call() routes data-upload actions to the upload endpoint', async () => {
    reply({ fileId: '1', canRetry: 0 });
    await f.vod.call('FinishUpload', { fileSha: SHA });
    expect(f.server.requests[0]?.path).toBe('/v3/index.php');
    expect(f.server.requests[0]?.signature.ok).toBe(true);
  });

  it('every action of the brief has a method', () => {
    expect(
      Object.values(ACTIONS)
        .map((a) => a.action)
        .sort(),
    ).toEqual(
      [
        'DescribeClass',
        'DescribeAllClass',
        'CreateClass',
        'ModifyClass',
        'DeleteClass',
        'MultiPullVodFile',
        'InitUpload',
        'UploadPart',
        'FinishUpload',
        'GetVideoInfo',
        'DescribeVodPlayUrls',
        'DescribeVodInfo',
        'ModifyVodInfo',
        'DeleteVodFile',
        'ConvertVodFile',
        'ProcessFile',
        'CreateSnapshotByTimeOffset',
        'CreateImageSprite',
        'ConcatVideo',
        'ClipVideo',
        'GetTaskInfo',
        'GetTaskList',
        'RedoTask',
        'PullEvent',
        'ConfirmEvent',
      ].sort(),
    );
  });
});
