// Which actions exist, and on which API (reference §4.0, §1.1).
import { createVodTags, deleteVodTags, describeVodCover, describeVodPlayInfo, getTaskListByFileId, taskStatusStat } from './catalogue';
import { confirmEvent, pullEvent } from './events';
import { createClass, deleteClass, describeAllClass, describeClass, modifyClass } from './classes';
import { deleteVodFile, modifyVodInfo } from './manage';
import { describeVodInfo, describeVodPlayUrls, getVideoInfo } from './media-info';
import {
  clipVideo,
  concatVideo,
  convertVodFile,
  createImageSprite,
  createSnapshotByTimeOffset,
  processFile,
  processFileByProcedure,
} from './processing';
import { multiPullVodFile } from './pull';
import { getTaskInfo, getTaskList, redoTask } from './tasks';
import { finishUpload, initUpload, uploadPart } from './upload';
import type { ActionHandler } from './types';

export { CLIENT_UPLOAD_ACTIONS } from './client-upload';

// Maps, not object literals: the action name is untrusted and read before authentication, so it
// must never reach an inherited member (`constructor`, `toString`, `__proto__`).
/** General server API (`/v2/index.php`, `/v2/interface.php`). */
export const GENERAL_ACTIONS: ReadonlyMap<string, ActionHandler> = new Map(
  Object.entries({
    DescribeClass: describeClass,
    GetClassInfo: describeClass,
    DescribeAllClass: describeAllClass,
    CreateClass: createClass,
    ModifyClass: modifyClass,
    DeleteClass: deleteClass,
    MultiPullVodFile: multiPullVodFile,
    GetVideoInfo: getVideoInfo,
    DescribeVodPlayUrls: describeVodPlayUrls,
    DescribeVodInfo: describeVodInfo,
    DescribeVodPlayInfo: describeVodPlayInfo,
    CreateVodTags: createVodTags,
    DeleteVodTags: deleteVodTags,
    DescribeVodCover: describeVodCover,
    ModifyVodInfo: modifyVodInfo,
    DeleteVodFile: deleteVodFile,
    ConvertVodFile: convertVodFile,
    ProcessFile: processFile,
    ProcessFileByProcedure: processFileByProcedure,
    CreateSnapshotByTimeOffset: createSnapshotByTimeOffset,
    CreateImageSprite: createImageSprite,
    ConcatVideo: concatVideo,
    ClipVideo: clipVideo,
    GetTaskInfo: getTaskInfo,
    GetTaskList: getTaskList,
    RedoTask: redoTask,
    TaskStatusStat: taskStatusStat,
    GetTaskListByFileId: getTaskListByFileId,
    PullEvent: pullEvent,
    ConfirmEvent: confirmEvent,
  }),
);

/** Data-upload API: params in the query string, the chunk as body (`/v2` and `/v3/index.php`). */
export const UPLOAD_ACTIONS: ReadonlyMap<string, ActionHandler> = new Map(
  Object.entries({
    InitUpload: initUpload,
    UploadPart: uploadPart,
    FinishUpload: finishUpload,
  }),
);
