// Records the emulator keeps in its data dir. URLs are never stored with a host: media paths are
// relative to the file's folder and rendered with the current base URL (the port can change
// between restarts), see urls.ts.
import type { MediaInfo } from './media';

export type CallbackMode = 'http' | 'reliable' | 'none';

export interface Account {
  secretId: string;
  secretKey: string;
  appId: number;
  /** Where HTTP-mode events are POSTed. */
  callbackUrl?: string;
  callbackMode?: CallbackMode;
}

export type FileStatus = 'uploading' | 'normal' | 'failed';

export interface TranscodeRecord {
  definition: number;
  /** Main output (mp4 or .m3u8) name inside the file's folder. */
  name: string;
  /** Every output of this definition (segments included), for cleanup on redo. */
  names: string[];
  info: MediaInfo;
}

export interface VodFile {
  fileId: string;
  appId: number;
  name: string;
  description: string;
  classId: number;
  tags: string[];
  /** Container/extension, e.g. mp4. */
  type: string;
  status: FileStatus;
  sourceType: 'ServerUpload' | 'ClientUpload' | 'Pull' | 'Concat' | 'Clip';
  sourceUrl?: string;
  /** Source file name inside the folder, e.g. f0.mp4 (or a playlist for HLS concat outputs). */
  sourceName: string;
  size: number;
  sha1?: string;
  md5?: string;
  metaData?: MediaInfo;
  createTime: number;
  updateTime: number;
  /** 0 = never. */
  expireTime: number;
  transcodes: Record<string, TranscodeRecord>;
  coverName?: string;
  sampleSnapshots: Array<{ definition: number; sampleType: string; interval: number; names: string[] }>;
  imageSprites: Array<{ definition: number; width: number; height: number; totalCount: number; names: string[] }>;
  snapshotsByTimeOffset: Array<{ definition: number; pics: Array<{ timeOffset: number; name: string }> }>;
}

export interface ClassRecord {
  id: number;
  appId: number;
  parentId: number;
  name: string;
  createTime: number;
  updateTime: number;
}

export type TaskType = 'procedure' | 'transcode' | 'pull' | 'clip' | 'concat' | 'snapshotByTimeOffset' | 'imageSprite';
export type TaskStatus = 'WAITING' | 'PROCESSING' | 'FINISH';
export type NotifyMode = 'Finish' | 'Change' | 'None';

export interface ProcedureInput {
  transcode?: { definitions: number[]; watermark: number /** Definition 10000 over the HLS outputs. */; hlsMasterPlaylist?: boolean };
  sampleSnapshot?: { definition: number };
  coverBySnapshot?: { definition: number; positionType: 'Time' | 'Percent'; position: number };
  snapshotByTimeOffset?: { definition: number; timeOffsets: number[] };
  imageSprite?: { definition: number };
}

export type TaskInput =
  | { kind: 'procedure'; procedure: ProcedureInput }
  | { kind: 'transcode'; definitions: number[] }
  | { kind: 'pull'; url: string; fileName: string; md5?: string; isTranscode: boolean }
  | { kind: 'clip'; newFileId: string; newFileName: string; startTimeOffset: number; endTimeOffset?: number }
  | { kind: 'concat'; srcFileIds: string[]; name: string; outputs: Array<{ dstType: 'mp4' | 'm3u8'; fileId: string }> }
  | { kind: 'snapshotByTimeOffset'; definition: number; timeOffsets: number[] }
  | { kind: 'imageSprite'; definition: number };

export interface Task {
  vodTaskId: string;
  appId: number;
  type: TaskType;
  status: TaskStatus;
  fileId?: string;
  input: TaskInput;
  notifyMode: NotifyMode;
  notifyUrl?: string;
  createTime: number;
  beginProcessTime: number;
  finishTime: number;
  /** How many times a run started; a task interrupted too often is finished with 30010. */
  attempts: number;
  /** The documented per-type `data` (event data), with URLs in stored form. */
  data?: Record<string, unknown>;
}

export interface UploadPartRecord {
  offset: number;
  dataSize: number;
  dataMd5: string;
}

export interface UploadSession {
  key: string;
  appId: number;
  fileSha: string;
  fileSize: number;
  dataSize: number;
  fileName: string;
  fileType: string;
  classId: number;
  tags: string[];
  sourceType: 'ServerUpload' | 'ClientUpload';
  sourceContext?: string;
  procedure?: ProcedureInput;
  notifyMode: NotifyMode;
  isTranscode: boolean;
  notifyUrl?: string;
  /** Hex HMAC of the client upload signature that opened the session (client upload only). */
  signatureKey?: string;
  parts: Record<string, UploadPartRecord>;
  createTime: number;
}

export interface QueuedEvent {
  msgHandle: string;
  appId: number;
  eventContent: Record<string, unknown>;
  enqueuedAt: number;
  /** ms epoch; a pulled, unconfirmed event is hidden until then. */
  invisibleUntil: number;
}
