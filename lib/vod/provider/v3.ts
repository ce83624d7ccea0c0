// The API 3.0 provider (2018-07-17): PullUpload, ApplyUpload + storage + CommitUpload,
// ProcessMedia, DescribeTaskDetail, DescribeMediaInfos, PullEvents/ConfirmEvents, 3.0 callbacks.
import { mediaTypeOf } from '../media-name';
import { describeIssues, VodApiError } from '../client/errors';
import type { VodV3Client } from '../v3/client';
import { eventContent, type EventContent } from '../v3/schemas';
import type { CallbackParse, EventView, ProcessingPlan, VodProvider } from './types';
import { procedureOutcomeV3, pullOutcomeV3, taskViewV3 } from './v3-outcome';

/** ProcessMedia body from a plan (the V2 vector of vod-v3-api.md §2.5 has this shape). */
export function processMediaBody(plan: ProcessingPlan) {
  return {
    FileId: plan.fileId,
    MediaProcessTask: {
      TranscodeTaskSet: plan.definitions.map((Definition) => ({ Definition })),
      ...(plan.cover
        ? {
            CoverBySnapshotTaskSet: [
              { Definition: plan.cover.definition, PositionType: 'Percent' as const, PositionValue: plan.cover.percent },
            ],
          }
        : {}),
      ...(plan.snapshots
        ? {
            SnapshotByTimeOffsetTaskSet: [
              { Definition: plan.snapshots.definition, ExtTimeOffsetSet: plan.snapshots.timeOffsetsMs.map((ms) => `${ms / 1000}s`) },
            ],
          }
        : {}),
    },
    TasksNotifyMode: 'Finish' as const,
  };
}

export function eventViewV3(event: EventContent): EventView {
  if (event.EventType === 'PullComplete' && event.PullCompleteEvent) {
    const t = event.PullCompleteEvent;
    return { eventType: event.EventType, vodTaskId: t.TaskId, kind: 'pull', outcome: t.Status === 'FINISH' ? pullOutcomeV3(t) : undefined };
  }
  if (event.EventType === 'ProcedureStateChanged' && event.ProcedureStateChangeEvent) {
    const t = event.ProcedureStateChangeEvent;
    return {
      eventType: event.EventType,
      vodTaskId: t.TaskId,
      kind: 'procedure',
      outcome: t.Status === 'FINISH' ? procedureOutcomeV3(t) : undefined,
    };
  }
  return { eventType: event.EventType };
}

/** A 3.0 EventContent (a PullEvents item, or a callback body: the same without EventHandle). */
export function parseEventV3(json: unknown): CallbackParse {
  const parsed = eventContent.safeParse(json);
  if (parsed.success) return { success: true, event: eventViewV3(parsed.data) };
  const type = (json as { EventType?: unknown } | null)?.EventType;
  return { success: false, eventType: typeof type === 'string' ? type : undefined, issues: describeIssues(parsed.error.issues) };
}

export function createV3Provider(client: VodV3Client): VodProvider {
  return {
    version: 'v3',
    async pullSource({ url, fileName, classId }) {
      const mediaType = mediaTypeOf([new URL(url).pathname, fileName]);
      const res = await client.call('PullUpload', { MediaUrl: url, MediaName: fileName, MediaType: mediaType, ClassId: classId });
      return { vodTaskId: res.TaskId };
    },
    // 3.0 has no RedoTask: a retry is a new ProcessMedia (a new TaskId).
    async startProcessing(plan) {
      return { vodTaskId: (await client.call('ProcessMedia', processMediaBody(plan))).TaskId };
    },
    async readTask(vodTaskId) {
      return taskViewV3(await client.call('DescribeTaskDetail', { TaskId: vodTaskId }));
    },
    async readFile(fileId) {
      const res = await client.call('DescribeMediaInfos', { FileIds: [fileId], Filters: ['basicInfo', 'metaData', 'transcodeInfo'] });
      const info = res.MediaInfoSet.find((m) => m.FileId === fileId);
      // VOD says the file is gone (deleted meanwhile): an answer, as 3.0 gives it for a single FileId.
      if (!info && res.NotExistFileIdSet.includes(fileId))
        throw new VodApiError('DescribeMediaInfos', 'ResourceNotFound.FileNotExist', `file ${fileId} is in NotExistFileIdSet`, {
          attempts: 1,
          response: res,
        });
      if (!info) throw new Error(`DescribeMediaInfos answered neither the file ${fileId} nor that it does not exist`);
      return {
        // Definition 0 is the original file (§4.7); v2's playSet lists it too, so both keep it.
        playSet: (info.TranscodeInfo?.TranscodeSet ?? []).map((t) => ({
          definition: t.Definition,
          url: t.Url,
          width: t.Width,
          height: t.Height,
          bitrate: t.Bitrate,
        })),
        coverUrl: info.BasicInfo?.CoverUrl || undefined,
        duration: info.MetaData?.Duration,
      };
    },
    async pullEvents({ timeoutMs }) {
      const res = await client.call('PullEvents', {}, { timeoutMs, retry: { maxAttempts: 1 } });
      return res.EventSet.flatMap((e) => (e.EventHandle ? [{ handle: e.EventHandle, parsed: parseEventV3(e) }] : []));
    },
    async confirmEvents(handles) {
      for (let i = 0; i < handles.length; i += 16) await client.call('ConfirmEvents', { EventHandles: handles.slice(i, i + 16) });
    },
  };
}
