// The shared store speaks v2 (tasks, files, queued events); these turn its records into the 3.0
// structs of sdk-models (PascalCase, ISO 8601 times, ErrCodeExt), so a file or task made through
// one API version reads the same through the other.
import { render } from '../urls';
import { coverUrlOf, playSetOf, urlOf } from '../tasks/common';
import type { Task, VodFile } from '../types';
import { errCodeExtOf, taskErrCodeOf } from './codes';

type Rec = Record<string, unknown>;
const iso = (t: unknown): string => (typeof t === 'number' && t > 0 ? new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const s = (v: unknown): string => (typeof v === 'string' ? v : '');

export function metaDataV3(m: Rec | undefined): Rec | null {
  if (!m || !Object.keys(m).length) return null;
  const videos = Array.isArray(m.videoStreamList) ? (m.videoStreamList as Rec[]) : [];
  const audios = Array.isArray(m.audioStreamList) ? (m.audioStreamList as Rec[]) : [];
  return {
    Size: num(m.size),
    Container: s(m.container),
    Bitrate: num(m.bitrate),
    Height: num(m.height),
    Width: num(m.width),
    Duration: num(m.duration),
    Rotate: 0,
    VideoStreamSet: videos.map((v) => ({
      Bitrate: num(v.bitrate),
      Height: num(v.height),
      Width: num(v.width),
      Codec: s(v.codec),
      Fps: num(v.fps),
    })),
    AudioStreamSet: audios.map((a) => ({ Bitrate: num(a.bitrate), SamplingRate: num(a.samplingRate), Codec: s(a.codec) })),
    Md5: s(m.md5),
  };
}

const SUB_RESULT: ReadonlyMap<string, string> = new Map([
  ['Transcode', 'TranscodeTask'],
  ['CoverBySnapshot', 'CoverBySnapshotTask'],
  ['SnapshotByTimeOffset', 'SnapshotByTimeOffsetTask'],
  ['SampleSnapshot', 'SampleSnapshotTask'],
  ['ImageSprite', 'ImageSpriteTask'],
]);

function outputV3(taskType: string, input: Rec, output: Rec | undefined): Rec | null {
  if (!output) return null;
  switch (taskType) {
    case 'Transcode':
      return {
        Url: s(output.url),
        Definition: num(input.definition),
        Bitrate: num(output.bitrate),
        Height: num(output.height),
        Width: num(output.width),
        Size: num(output.size),
        Duration: num(output.duration),
        Md5: s(output.md5),
        Container: s(output.container),
      };
    case 'CoverBySnapshot':
      return { CoverUrl: s(output.imageUrl) };
    case 'SnapshotByTimeOffset':
      return {
        Definition: num(input.definition),
        PicInfoSet: ((output.imgInfo as Rec[] | undefined) ?? []).map((p) => ({
          TimeOffset: num(p.timeOffset),
          Url: s(p.url),
          WaterMarkDefinition: [],
        })),
      };
    case 'SampleSnapshot':
      return {
        Definition: num(input.definition),
        SampleType: 'Percent',
        Interval: 10,
        ImageUrlSet: (output.imageUrls as string[] | undefined) ?? [],
        WaterMarkDefinition: [],
      };
    default:
      return { ...output };
  }
}

function inputV3(taskType: string, input: Rec): Rec {
  if (taskType === 'CoverBySnapshot')
    return { Definition: num(input.definition), PositionType: s(input.positionType) || 'Time', PositionValue: num(input.position) };
  if (taskType === 'SnapshotByTimeOffset')
    return {
      Definition: num(input.definition),
      ExtTimeOffsetSet: ((input.timeOffset as number[] | undefined) ?? []).map((ms) => `${ms / 1000}s`),
    };
  return { Definition: num(input.definition) };
}

/** ProcedureTask (sdk-models) from the v2 procedure data. */
export function procedureTaskV3(task: Task, data: Rec | undefined): Rec {
  const subs = ((data?.processTaskList as Rec[] | undefined) ?? []).map((sub) => {
    const taskType = s(sub.taskType);
    const input = (sub.input as Rec | undefined) ?? {};
    const code = num(sub.errCode);
    const result = {
      Status: s(sub.status) || 'PROCESSING',
      ErrCodeExt: errCodeExtOf(code),
      ErrCode: code === 0 ? 0 : taskErrCodeOf(code),
      Message: sub.status === 'FAIL' ? s(sub.message) : 'SUCCESS',
      Input: inputV3(taskType, input),
      Output: outputV3(taskType, input, sub.output as Rec | undefined),
      Progress: sub.status === 'PROCESSING' ? 0 : 100,
    };
    return { Type: taskType, [SUB_RESULT.get(taskType) ?? `${taskType}Task`]: result };
  });
  const code = num(data?.errCode);
  return {
    TaskId: task.vodTaskId,
    Status: task.status === 'FINISH' ? 'FINISH' : 'PROCESSING',
    ErrCode: code === 0 ? 0 : taskErrCodeOf(code),
    Message: s(data?.message),
    FileId: task.fileId ?? '',
    FileName: '',
    FileUrl: '',
    MetaData: metaDataV3(data?.metaData as Rec | undefined),
    MediaProcessResultSet: subs,
    TasksPriority: 0,
    TasksNotifyMode: task.notifyMode ?? 'Finish',
    SessionContext: '',
    SessionId: '',
  };
}

/** PullUploadTask (sdk-models) from the v2 pull data (`status` is the v2 code there). */
export function pullUploadTaskV3(task: Task, data: Rec | undefined): Rec {
  const code = num(data?.status);
  return {
    TaskId: task.vodTaskId,
    Status: task.status === 'FINISH' ? 'FINISH' : 'PROCESSING',
    ErrCode: taskErrCodeOf(code),
    Message: code === 0 ? (task.status === 'FINISH' ? 'SUCCESS' : '') : s(data?.message),
    FileId: s(data?.fileId) || (task.fileId ?? ''),
    FileUrl: s(data?.fileUrl),
    MetaData: null,
    ProcedureTaskId: '',
    ReviewAudioVideoTaskId: '',
    SessionContext: '',
    SessionId: '',
    Progress: task.status === 'FINISH' ? 100 : 0,
  };
}

export const TASK_TYPES: ReadonlyMap<string, string> = new Map([
  ['procedure', 'Procedure'],
  ['pull', 'PullUpload'],
  ['transcode', 'Transcode'],
  ['concat', 'Concat'],
  ['clip', 'Clip'],
  ['snapshotByTimeOffset', 'SnapshotByTimeOffset'],
  ['imageSprite', 'ImageSprite'],
]);

export function taskDetailV3(task: Task, base: string): Rec {
  const data = task.data ? render(task.data as Rec, base) : undefined;
  const out: Rec = {
    TaskType: TASK_TYPES.get(task.type) ?? task.type,
    Status: task.status,
    CreateTime: iso(task.createTime),
    BeginProcessTime: iso(task.beginProcessTime),
    FinishTime: iso(task.finishTime),
    ProcedureTask: null,
    PullUploadTask: null,
  };
  if (task.type === 'procedure') out.ProcedureTask = procedureTaskV3(task, data);
  else if (task.type === 'pull') out.PullUploadTask = pullUploadTaskV3(task, data);
  return out;
}

/** MediaInfo (sdk-models) from the shared file record. */
export function mediaInfoV3(file: VodFile, className: string, base: string): Rec {
  const meta = metaDataV3(file.metaData as unknown as Rec | undefined);
  const play = render(playSetOf(file), base);
  return {
    FileId: file.fileId,
    BasicInfo: {
      Name: file.name,
      Description: file.description,
      CreateTime: iso(file.createTime),
      UpdateTime: iso(file.updateTime),
      ExpireTime: file.expireTime ? iso(file.expireTime) : '9999-12-31T23:59:59Z',
      ClassId: file.classId,
      ClassName: className,
      ClassPath: className,
      CoverUrl: render(coverUrlOf(file), base),
      Type: file.type,
      MediaUrl: render(urlOf(file, file.sourceName), base),
      SourceInfo: { SourceType: file.sourceType === 'Pull' ? 'Record' : 'Upload', SourceContext: '' },
      StorageRegion: 'ap-guangzhou',
      TagSet: file.tags,
      Vid: '',
      Category: 'Video',
      Status: file.status === 'normal' ? 'Normal' : 'Forbidden',
      StorageClass: 'STANDARD',
    },
    MetaData: meta,
    TranscodeInfo: {
      TranscodeSet: play.map((p) => ({
        Url: s(p.url),
        Definition: num(p.definition),
        Bitrate: num(p.vbitrate),
        Height: num(p.vheight),
        Width: num(p.vwidth),
        Size: 0,
        Duration: num(meta?.Duration),
        Container: '',
      })),
    },
    SnapshotByTimeOffsetInfo: {
      SnapshotByTimeOffsetSet: file.snapshotsByTimeOffset.map((set) => ({
        Definition: set.definition,
        PicInfoSet: set.pics.map((p) => ({ TimeOffset: p.timeOffset, Url: render(urlOf(file, p.name), base), WaterMarkDefinition: [] })),
      })),
    },
  };
}

/** A queued v2 event as 3.0 EventContent (EventHandle added by the caller). */
export function eventContentV3(eventType: string, data: Rec, task: Task | undefined, base: string): Rec {
  // The event's own data says how far the task was when it was sent, not the task's state now.
  if (eventType === 'ProcedureStateChanged' && task) {
    return {
      EventType: eventType,
      ProcedureStateChangeEvent: procedureTaskV3(
        { ...task, status: data.status === 'FINISH' ? 'FINISH' : 'PROCESSING' },
        render(data, base),
      ),
    };
  }
  if (eventType === 'PullComplete' && task)
    return { EventType: eventType, PullCompleteEvent: pullUploadTaskV3({ ...task, status: 'FINISH' }, render(data, base)) };
  if (eventType === 'NewFileUpload') {
    return {
      EventType: eventType,
      FileUploadEvent: {
        FileId: s(data.fileId),
        MediaBasicInfo: { Name: s(data.fileName), MediaUrl: render(s(data.fileUrl), base) },
        ProcedureTaskId: s(data.procedureTaskId),
        ReviewAudioVideoTaskId: '',
      },
    };
  }
  return { EventType: eventType };
}
