// The VOD provider seam: what the handlers need from VOD, in the pipeline's words. One
// implementation per API version (v2.ts: API 2.0 as documented; v3.ts: API 3.0, 2018-07-17);
// the handlers and the downstream events do not know which one runs.
import type { Readable } from 'node:stream';
import type { TaskOutcome } from '../../messages/internal';

export type VodApiVersion = 'v2' | 'v3';

export interface PlayItem {
  definition: number;
  url: string;
  width?: number;
  height?: number;
  bitrate?: number;
}

/** A task read back: still running (no outcome) or finished (its outcome). */
export interface TaskView {
  status: string;
  finished: boolean;
  outcome?: TaskOutcome;
  /** Share of finished sub-tasks of a running procedure, when known. */
  progress?: number;
}

/** A VOD event, normalised: which task it concerns and, if it says so, how that task ended. */
export interface EventView {
  eventType: string;
  /** PullComplete and ProcedureStateChanged: the task; other types: undefined. */
  vodTaskId?: string;
  kind?: 'pull' | 'procedure';
  /** Set only when the event itself says the task finished. */
  outcome?: TaskOutcome;
}

export type CallbackParse = { success: true; event: EventView } | { success: false; eventType?: string; issues: string[] };

export interface ProcessingPlan {
  fileId: string;
  definitions: number[];
  cover?: { definition: number; percent: number };
  snapshots?: { definition: number; timeOffsetsMs: number[] };
}

export interface PushInput {
  open: () => Promise<Readable>;
  /** Bytes, when known (v3 buffers a source of unknown size to learn it). */
  size?: number;
  fileName: string;
  classId?: number;
  onProgress?: (p: { sentBytes: number; totalBytes: number }) => void;
}

/**
 * Push the bytes (v2 InitUpload/UploadPart/FinishUpload, v3 ApplyUpload + storage PUT +
 * CommitUpload). Apart from VodProvider so that only initiate-upload bundles the upload code.
 */
export interface VodPusher {
  pushUpload(input: PushInput): Promise<{ fileId: string; size: number; skippedParts?: number; instant?: boolean }>;
}

export interface VodProvider {
  readonly version: VodApiVersion;
  /** VOD fetches the source from a URL (v2 MultiPullVodFile, v3 PullUpload). */
  pullSource(input: {
    url: string;
    fileName: string;
    classId?: number;
    /** The bytes' MD5 (hex) when known: v2 MultiPullVodFile refuses a file that differs; 3.0's PullUpload takes no checksum. */
    fileMd5?: string;
  }): Promise<{ vodTaskId: string; fileId?: string }>;
  /** Transcode, cover, snapshots (v2 ProcessFile, v3 ProcessMedia); `redoVodTaskId` retries a failed one. */
  startProcessing(plan: ProcessingPlan, redoVodTaskId?: string): Promise<{ vodTaskId: string }>;
  readTask(vodTaskId: string): Promise<TaskView>;
  /** Play URLs per definition, cover and duration of a file. */
  readFile(fileId: string): Promise<{ playSet: PlayItem[]; coverUrl?: string; duration?: number }>;
  /** Reliable-callback queue, each event parsed on its own; `handle` is what confirmEvents takes. */
  pullEvents(options: { timeoutMs: number }): Promise<Array<{ handle: string; parsed: CallbackParse }>>;
  confirmEvents(handles: string[]): Promise<void>;
}
