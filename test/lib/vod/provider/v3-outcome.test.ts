// API 3.0 task results → the pipeline's TaskOutcome, from the shapes Tencent documents
// (DescribeTaskDetail example of cn:266/9636, PullComplete of intl:266/33951).
import { describe, expect, it } from 'vitest';
import { taskOutcomeV1 } from '../../../../lib/messages/internal';
import { eventViewV3, parseVodCallback, processMediaBody, taskViewV3 } from '../../../../lib/vod/provider';
import { describeTaskDetailResponse, eventContent } from '../../../../lib/vod/v3/schemas';

const procedure = (results: unknown[], extra: Record<string, unknown> = {}) =>
  describeTaskDetailResponse.parse({
    TaskType: 'Procedure',
    Status: 'FINISH',
    CreateTime: '2019-02-21T08:27:42Z',
    ProcedureTask: {
      TaskId: '1256768367-Procedure-475b72xxxcb177t1',
      Status: 'FINISH',
      ErrCode: 0,
      Message: '',
      FileId: '5285890784246869930',
      MetaData: { Duration: 60.04 },
      MediaProcessResultSet: results,
      ...extra,
    },
    PullUploadTask: null,
  });

describe('v3 outcomes', () => {
  it('a finished procedure: cover, snapshots, duration', () => {
    const view = taskViewV3(
      procedure([
        {
          Type: 'Transcode',
          TranscodeTask: {
            Status: 'SUCCESS',
            ErrCode: 0,
            ErrCodeExt: '',
            Message: 'SUCCESS',
            Input: { Definition: 20 },
            Output: { Url: 'https://x/v.f20.mp4', Definition: 0 },
          },
        },
        { Type: 'CoverBySnapshot', CoverBySnapshotTask: { Status: 'SUCCESS', ErrCodeExt: '', Output: { CoverUrl: 'https://x/c.jpg' } } },
        {
          Type: 'SnapshotByTimeOffset',
          SnapshotByTimeOffsetTask: {
            Status: 'SUCCESS',
            ErrCodeExt: '',
            Output: { Definition: 10, PicInfoSet: [{ TimeOffset: 1000, Url: 'https://x/s1.jpg' }] },
          },
        },
      ]),
    );
    expect(view).toMatchObject({ status: 'FINISH', finished: true });
    expect(taskOutcomeV1.parse(view.outcome)).toEqual({
      ok: true,
      fileId: '5285890784246869930',
      coverUrl: 'https://x/c.jpg',
      snapshots: [{ timeOffset: 1000, url: 'https://x/s1.jpg' }],
      duration: 60.04,
    });
  });

  it('a failed sub-task: its ErrCodeExt, a specific code before InternalError', () => {
    const view = taskViewV3(
      procedure([
        { Type: 'Transcode', TranscodeTask: { Status: 'FAIL', ErrCode: 70000, ErrCodeExt: 'InternalError', Message: 'x' } },
        {
          Type: 'CoverBySnapshot',
          CoverBySnapshotTask: { Status: 'FAIL', ErrCode: 60000, ErrCodeExt: 'SourceFileError.ContentMalformed', Message: 'corrupt' },
        },
      ]),
    );
    expect(view.outcome).toEqual({ ok: false, code: 'SourceFileError.ContentMalformed', message: 'corrupt', subTask: 'CoverBySnapshot' });
    expect(taskOutcomeV1.safeParse(view.outcome).success).toBe(true);
  });

  it('an empty ErrCodeExt falls back to the task ErrCode class', () => {
    const view = taskViewV3(
      procedure([{ Type: 'Transcode', TranscodeTask: { Status: 'FAIL', ErrCode: 60000, ErrCodeExt: '', Message: 'bad' } }]),
    );
    expect(view.outcome).toMatchObject({ ok: false, code: 'SourceFileError' });
  });

  it('still running: no outcome, progress by finished sub-tasks', () => {
    const running = describeTaskDetailResponse.parse({
      TaskType: 'Procedure',
      Status: 'PROCESSING',
      ProcedureTask: {
        TaskId: 't',
        Status: 'PROCESSING',
        MediaProcessResultSet: [
          { Type: 'Transcode', TranscodeTask: { Status: 'SUCCESS' } },
          { Type: 'Transcode', TranscodeTask: { Status: 'PROCESSING' } },
        ],
      },
    });
    expect(taskViewV3(running)).toEqual({ status: 'PROCESSING', finished: false, progress: 0.5 });
  });

  it('PullComplete event (doc example) and a failed pull', () => {
    const ok = eventViewV3(
      eventContent.parse({
        EventType: 'PullComplete',
        PullCompleteEvent: {
          TaskId: '125676836723-Pull-f5ac8127b3b6b85cdc13f237c6005d8',
          Status: 'FINISH',
          ErrCode: 0,
          Message: 'SUCCESS',
          FileId: '14508071098244959037',
          FileUrl: 'http://x/xxx.mp4',
          ProcedureTaskId: '',
          SessionContext: '',
          SessionId: '',
        },
      }),
    );
    expect(ok).toEqual({
      eventType: 'PullComplete',
      vodTaskId: '125676836723-Pull-f5ac8127b3b6b85cdc13f237c6005d8',
      kind: 'pull',
      outcome: { ok: true, fileId: '14508071098244959037', snapshots: [] },
    });
    const failed = eventViewV3(
      eventContent.parse({
        EventType: 'PullComplete',
        PullCompleteEvent: { TaskId: 'p', Status: 'FINISH', ErrCode: 60000, Message: 'source error' },
      }),
    );
    expect(failed.outcome).toEqual({ ok: false, code: 'SourceFileError', message: 'source error', subTask: 'PullUpload' });
    expect(eventViewV3(eventContent.parse({ EventType: 'FileDeleted', FileDeleteEvent: { FileIdSet: ['1'] } }))).toEqual({
      eventType: 'FileDeleted',
    });
  });

  it('ProcessMedia body: the shape of the reference vector V2', () => {
    expect(
      processMediaBody({
        fileId: '5285890784246869930',
        definitions: [100210],
        cover: { definition: 10, percent: 0 },
        snapshots: { definition: 10, timeOffsetsMs: [1500] },
      }),
    ).toEqual({
      FileId: '5285890784246869930',
      MediaProcessTask: {
        TranscodeTaskSet: [{ Definition: 100210 }],
        CoverBySnapshotTaskSet: [{ Definition: 10, PositionType: 'Percent', PositionValue: 0 }],
        SnapshotByTimeOffsetTaskSet: [{ Definition: 10, ExtTimeOffsetSet: ['1.5s'] }],
      },
      TasksNotifyMode: 'Finish',
    });
  });

  it('a sub-task that did not say SUCCESS, or carries an error code, failed (no video.ready without it)', () => {
    for (const sub of [
      { Status: 'ABORTED', ErrCodeExt: '', Message: '' },
      { Status: 'ERROR', ErrCodeExt: 'SourceFileError.ContentMalformed', ErrCode: 60000, Message: 'bad' },
      { Status: 'SUCCESS', ErrCodeExt: 'SourceFileError.ContentMalformed', Message: 'bad' },
    ]) {
      const view = taskViewV3(procedure([{ Type: 'Transcode', TranscodeTask: sub }]));
      expect(view.outcome, JSON.stringify(sub)).toMatchObject({ ok: false, subTask: 'Transcode' });
    }
    const aborted = taskViewV3(procedure([{ Type: 'Transcode', TranscodeTask: { Status: 'ABORTED', ErrCodeExt: '' } }]));
    expect(aborted.outcome).toEqual({ ok: false, code: 'InternalError', message: 'sub-task ABORTED', subTask: 'Transcode' });
  });

  it('an ErrCode the documents do not list keeps its number, as an unknown 3.0 code', () => {
    const pull = describeTaskDetailResponse.parse({
      TaskType: 'PullUpload',
      Status: 'FINISH',
      PullUploadTask: { TaskId: 'p1', Status: 'FINISH', ErrCode: 10008, Message: 'MediaUrl unreachable' },
    });
    expect(taskViewV3(pull).outcome).toEqual({ ok: false, code: 'ErrCode.10008', message: 'MediaUrl unreachable', subTask: 'PullUpload' });
    const sub = taskViewV3(procedure([{ Type: 'Transcode', TranscodeTask: { Status: 'FAIL', ErrCodeExt: '', ErrCode: 30010 } }]));
    expect(sub.outcome).toMatchObject({ ok: false, code: 'ErrCode.30010' });
  });

  it('a task status vodflow does not know ends the task with its name, instead of failing every poll', () => {
    const view = taskViewV3(describeTaskDetailResponse.parse({ TaskType: 'PullUpload', Status: 'CANCELED', PullUploadTask: null }));
    expect(view).toEqual({
      status: 'CANCELED',
      finished: true,
      outcome: { ok: false, code: 'FailedOperation', message: 'VOD reports the task as "CANCELED", a status vodflow does not know' },
    });
    expect(taskViewV3(describeTaskDetailResponse.parse({ TaskType: 'PullUpload', Status: 'WAITING' }))).toMatchObject({
      finished: false,
    });
  });

  it('parses a 3.0 callback body, and says which fields are wrong', () => {
    const provider = { parseCallback: (body: unknown) => parseVodCallback('v3', body) };
    const body = JSON.stringify({
      EventType: 'ProcedureStateChanged',
      ProcedureStateChangeEvent: { TaskId: 't1', Status: 'PROCESSING', MediaProcessResultSet: [] },
    });
    expect(provider.parseCallback(body)).toEqual({
      success: true,
      event: { eventType: 'ProcedureStateChanged', vodTaskId: 't1', kind: 'procedure', outcome: undefined },
    });
    const bad = provider.parseCallback(JSON.stringify({ EventType: 'PullComplete', PullCompleteEvent: { Status: 'FINISH' } }));
    expect(bad.success).toBe(false);
    expect(!bad.success && bad.issues.join(' ')).toContain('TaskId');
    expect(provider.parseCallback('not json')).toMatchObject({ success: false });
  });
});
