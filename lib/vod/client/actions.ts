// The action table: for each client method, the wire name, the host, the params and response
// schemas, and how params go on the wire (index base per the action's doc, reference §2.6).
// A function calls two or three of these actions: each schema module is imported on its group's
// first call (in a bundle, its zod schemas are built then), not at cold start.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { ParamValue } from '../params';
import type { ApiHost } from './transport';
import { envelope } from './schemas/common';

export interface ActionDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  action: string;
  host: ApiHost;
  /** The params and response schemas, loaded on the first call. */
  schemas: () => Promise<{ params: P; response: R }>;
  /** First array index on the wire; 0 unless the action's doc shows 1. */
  indexBase?: number;
  /** Wire params and body from the parsed params; default: flatten everything. */
  toWire?: (params: z.output<P>) => { params: Record<string, ParamValue>; body?: Uint8Array };
}

const def = <P extends z.ZodType, R extends z.ZodType>(d: ActionDef<P, R>): ActionDef<P, R> => d;
const api = 'api' as const;
const classes = () => import('./schemas/classes');
const events = () => import('./schemas/events');
const media = () => import('./schemas/media');
const processing = () => import('./schemas/processing');
const tasks = () => import('./schemas/tasks');
const upload = () => import('./schemas/upload');

export const ACTIONS = {
  describeClass: def({ action: 'DescribeClass', host: api, schemas: () => classes().then((s) => ({ params: s.describeClassParams, response: s.describeClassResponse })) }),
  describeAllClass: def({
    action: 'DescribeAllClass',
    host: api,
    schemas: () => classes().then((s) => ({ params: s.describeAllClassParams, response: s.describeAllClassResponse })),
  }),
  createClass: def({ action: 'CreateClass', host: api, schemas: () => classes().then((s) => ({ params: s.createClassParams, response: s.createClassResponse })) }),
  modifyClass: def({ action: 'ModifyClass', host: api, schemas: () => classes().then((s) => ({ params: s.modifyClassParams, response: envelope })) }),
  deleteClass: def({ action: 'DeleteClass', host: api, schemas: () => classes().then((s) => ({ params: s.deleteClassParams, response: envelope })) }),

  multiPullVodFile: def({
    action: 'MultiPullVodFile',
    host: api,
    schemas: () => upload().then((s) => ({ params: s.multiPullVodFileParams, response: s.multiPullVodFileResponse })),
  }),
  initUpload: def({
    action: 'InitUpload',
    host: 'upload',
    schemas: () => upload().then((s) => ({ params: s.initUploadParams, response: s.initUploadResponse })),
    indexBase: 1,
  }),
  uploadPart: def({
    action: 'UploadPart',
    host: 'upload',
    schemas: () => upload().then((s) => ({ params: s.uploadPartParams, response: s.uploadPartResponse })),
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
  finishUpload: def({ action: 'FinishUpload', host: 'upload', schemas: () => upload().then((s) => ({ params: s.finishUploadParams, response: s.finishUploadResponse })) }),

  getVideoInfo: def({ action: 'GetVideoInfo', host: api, schemas: () => media().then((s) => ({ params: s.getVideoInfoParams, response: s.getVideoInfoResponse })) }),
  describeVodPlayUrls: def({
    action: 'DescribeVodPlayUrls',
    host: api,
    schemas: () => media().then((s) => ({ params: s.describeVodPlayUrlsParams, response: s.describeVodPlayUrlsResponse })),
  }),
  describeVodInfo: def({
    action: 'DescribeVodInfo',
    host: api,
    schemas: () => media().then((s) => ({ params: s.describeVodInfoParams, response: s.describeVodInfoResponse })),
    indexBase: 1,
  }),
  modifyVodInfo: def({ action: 'ModifyVodInfo', host: api, schemas: () => media().then((s) => ({ params: s.modifyVodInfoParams, response: envelope })) }),
  deleteVodFile: def({ action: 'DeleteVodFile', host: api, schemas: () => media().then((s) => ({ params: s.deleteVodFileParams, response: envelope })) }),

  convertVodFile: def({
    action: 'ConvertVodFile',
    host: api,
    schemas: () => processing().then((s) => ({ params: s.convertVodFileParams, response: s.convertVodFileResponse })),
  }),
  processFile: def({ action: 'ProcessFile', host: api, schemas: () => processing().then((s) => ({ params: s.processFileParams, response: s.taskStartedResponse })) }),
  createSnapshotByTimeOffset: def({
    action: 'CreateSnapshotByTimeOffset',
    host: api,
    schemas: () => processing().then((s) => ({ params: s.createSnapshotByTimeOffsetParams, response: s.taskStartedResponse })),
  }),
  createImageSprite: def({
    action: 'CreateImageSprite',
    host: api,
    schemas: () => processing().then((s) => ({ params: s.createImageSpriteParams, response: s.taskStartedResponse })),
  }),
  concatVideo: def({ action: 'ConcatVideo', host: api, schemas: () => processing().then((s) => ({ params: s.concatVideoParams, response: s.taskStartedResponse })) }),
  clipVideo: def({ action: 'ClipVideo', host: api, schemas: () => processing().then((s) => ({ params: s.clipVideoParams, response: s.taskStartedResponse })) }),

  getTaskInfo: def({ action: 'GetTaskInfo', host: api, schemas: () => tasks().then((s) => ({ params: s.getTaskInfoParams, response: s.getTaskInfoResponse })) }),
  getTaskList: def({ action: 'GetTaskList', host: api, schemas: () => tasks().then((s) => ({ params: s.getTaskListParams, response: s.getTaskListResponse })) }),
  redoTask: def({ action: 'RedoTask', host: api, schemas: () => tasks().then((s) => ({ params: s.redoTaskParams, response: envelope })) }),

  pullEvent: def({ action: 'PullEvent', host: api, schemas: () => events().then((s) => ({ params: s.pullEventParams, response: s.pullEventResponse })) }),
  confirmEvent: def({
    action: 'ConfirmEvent',
    host: api,
    schemas: () => events().then((s) => ({ params: s.confirmEventParams, response: envelope })),
    indexBase: 1,
  }),
};

export type ActionName = keyof typeof ACTIONS;
type Def<K extends ActionName> = (typeof ACTIONS)[K];
type Schemas<K extends ActionName> = Awaited<ReturnType<Def<K>['schemas']>>;
export type ActionParams<K extends ActionName> = z.input<Schemas<K>['params']>;
export type ActionResponse<K extends ActionName> = z.output<Schemas<K>['response']>;

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
