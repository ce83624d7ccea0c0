// The action table: for each client method, the wire name, the host, the params and response
// schemas, and how params go on the wire (index base per the action's doc, reference §2.6).
// Every schema of ./schemas (but the shared blocks of common and media-info) is a z.lazy, built on
// the action's first call: a function calls two or three of these actions, not all 25.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { ParamValue } from '../params';
import type { ApiHost } from './transport';
import * as classes from './schemas/classes';
import { envelope } from './schemas/common';
import * as events from './schemas/events';
import * as media from './schemas/media';
import * as processing from './schemas/processing';
import * as tasks from './schemas/tasks';
import * as upload from './schemas/upload';

export interface ActionDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  action: string;
  host: ApiHost;
  params: P;
  response: R;
  /** First array index on the wire; 0 unless the action's doc shows 1. */
  indexBase?: number;
  /** Wire params and body from the parsed params; default: flatten everything. */
  toWire?: (params: z.output<P>) => { params: Record<string, ParamValue>; body?: Uint8Array };
}

const def = <P extends z.ZodType, R extends z.ZodType>(d: ActionDef<P, R>): ActionDef<P, R> => d;
const api = 'api' as const;

export const ACTIONS = {
  describeClass: def({ action: 'DescribeClass', host: api, params: classes.describeClassParams, response: classes.describeClassResponse }),
  describeAllClass: def({
    action: 'DescribeAllClass',
    host: api,
    params: classes.describeAllClassParams,
    response: classes.describeAllClassResponse,
  }),
  createClass: def({ action: 'CreateClass', host: api, params: classes.createClassParams, response: classes.createClassResponse }),
  modifyClass: def({ action: 'ModifyClass', host: api, params: classes.modifyClassParams, response: envelope }),
  deleteClass: def({ action: 'DeleteClass', host: api, params: classes.deleteClassParams, response: envelope }),

  multiPullVodFile: def({
    action: 'MultiPullVodFile',
    host: api,
    params: upload.multiPullVodFileParams,
    response: upload.multiPullVodFileResponse,
  }),
  initUpload: def({
    action: 'InitUpload',
    host: 'upload',
    params: upload.initUploadParams,
    response: upload.initUploadResponse,
    indexBase: 1,
  }),
  uploadPart: def({
    action: 'UploadPart',
    host: 'upload',
    params: upload.uploadPartParams,
    response: upload.uploadPartResponse,
    toWire: ({ fileSha, offset, data, dataMd5 }) => ({
      params: {
        fileSha,
        offset,
        dataSize: data.byteLength,
        dataMd5: dataMd5 ?? createHash('md5').update(data).digest('hex'),
      },
      body: data,
    }),
  }),
  finishUpload: def({ action: 'FinishUpload', host: 'upload', params: upload.finishUploadParams, response: upload.finishUploadResponse }),

  getVideoInfo: def({ action: 'GetVideoInfo', host: api, params: media.getVideoInfoParams, response: media.getVideoInfoResponse }),
  describeVodPlayUrls: def({
    action: 'DescribeVodPlayUrls',
    host: api,
    params: media.describeVodPlayUrlsParams,
    response: media.describeVodPlayUrlsResponse,
  }),
  describeVodInfo: def({
    action: 'DescribeVodInfo',
    host: api,
    params: media.describeVodInfoParams,
    response: media.describeVodInfoResponse,
    indexBase: 1,
  }),
  modifyVodInfo: def({ action: 'ModifyVodInfo', host: api, params: media.modifyVodInfoParams, response: envelope }),
  deleteVodFile: def({ action: 'DeleteVodFile', host: api, params: media.deleteVodFileParams, response: envelope }),

  convertVodFile: def({
    action: 'ConvertVodFile',
    host: api,
    params: processing.convertVodFileParams,
    response: processing.convertVodFileResponse,
  }),
  processFile: def({ action: 'ProcessFile', host: api, params: processing.processFileParams, response: processing.taskStartedResponse }),
  createSnapshotByTimeOffset: def({
    action: 'CreateSnapshotByTimeOffset',
    host: api,
    params: processing.createSnapshotByTimeOffsetParams,
    response: processing.taskStartedResponse,
  }),
  createImageSprite: def({
    action: 'CreateImageSprite',
    host: api,
    params: processing.createImageSpriteParams,
    response: processing.taskStartedResponse,
  }),
  concatVideo: def({ action: 'ConcatVideo', host: api, params: processing.concatVideoParams, response: processing.taskStartedResponse }),
  clipVideo: def({ action: 'ClipVideo', host: api, params: processing.clipVideoParams, response: processing.taskStartedResponse }),

  getTaskInfo: def({ action: 'GetTaskInfo', host: api, params: tasks.getTaskInfoParams, response: tasks.getTaskInfoResponse }),
  getTaskList: def({ action: 'GetTaskList', host: api, params: tasks.getTaskListParams, response: tasks.getTaskListResponse }),
  redoTask: def({ action: 'RedoTask', host: api, params: tasks.redoTaskParams, response: envelope }),

  pullEvent: def({ action: 'PullEvent', host: api, params: events.pullEventParams, response: events.pullEventResponse }),
  confirmEvent: def({
    action: 'ConfirmEvent',
    host: api,
    params: events.confirmEventParams,
    response: envelope,
    indexBase: 1,
  }),
};

export type ActionName = keyof typeof ACTIONS;
type Def<K extends ActionName> = (typeof ACTIONS)[K];
export type ActionParams<K extends ActionName> = z.input<Def<K>['params']>;
export type ActionResponse<K extends ActionName> = z.output<Def<K>['response']>;

/** Wire names of the data-upload API (host `vod2.qcloud.com`). */
export const UPLOAD_HOST_ACTIONS: ReadonlySet<string> = new Set(
  Object.values(ACTIONS)
    .filter((d) => d.host === 'upload')
    .map((d) => d.action),
);

/** Wire action name → method name, e.g. DescribeClass → describeClass. */
export const METHOD_BY_ACTION: ReadonlyMap<string, ActionName> = new Map(
  (Object.entries(ACTIONS) as Array<[ActionName, ActionDef]>).map(([name, d]) => [d.action, name]),
);
