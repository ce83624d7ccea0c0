// The API 3.0 provider (2018-07-17): PullUpload, ApplyUpload + storage + CommitUpload,
// ProcessMedia, DescribeTaskDetail, DescribeMediaInfos, PullEvents/ConfirmEvents, 3.0 callbacks.
import { extname } from 'node:path';
import { safeParseVodEvent } from '../client';
import { describeIssues } from '../client/errors';
import type { VodV3Client } from '../v3/client';
import { eventContent, type EventContent } from '../v3/schemas';
import type { EventView, ProcessingPlan, VodProvider } from './types';
import { eventViewV2 } from './v2';
import { procedureOutcomeV3, pullOutcomeV3, taskViewV3 } from './v3-outcome';

/** ProcessMedia body from a plan (the V2 vector of vod-v3-api.md §2.5 has this shape). */
export function processMediaBody(plan: ProcessingPlan) {
  return {
    FileId: plan.fileId,
    MediaProcessTask: {
      TranscodeTaskSet: plan.definitions.map((Definition) => ({ Definition })),
      ...(plan.cover ? { CoverBySnapshotTaskSet: [{ Definition: plan.cover.definition, PositionType: 'Percent' as const, PositionValue: plan.cover.percent }] } : {}),
      ...(plan.snapshots ? { SnapshotByTimeOffsetTaskSet: [{ Definition: plan.snapshots.definition, ExtTimeOffsetSet: plan.snapshots.timeOffsetsMs.map((ms) => `${ms / 1000}s`) }] } : {}),
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
    return { eventType: event.EventType, vodTaskId: t.TaskId, kind: 'procedure', outcome: t.Status === 'FINISH' ? procedureOutcomeV3(t) : undefined };
  }
  return { eventType: event.EventType };
}

export function createV3Provider(client: VodV3Client): VodProvider {
  return {
    version: 'v3',
    async pullSource({ url, fileName, classId }) {
      const mediaType = extname(new URL(url).pathname).slice(1) || extname(fileName).slice(1) || undefined;
      const res = await client.call('PullUpload', { MediaUrl: url, MediaName: fileName, MediaType: mediaType, ClassId: classId });
      return { vodTaskId: res.TaskId };
    },
    async pushUpload({ open, size, fileName, classId, onProgress }) {
      const mediaType = extname(fileName).slice(1) || 'mp4';
      const stream = await open();
      // One PUT needs Content-Length; a source of unknown size is read into memory first.
      const body = size === undefined ? Buffer.concat(await stream.toArray()) : stream;
      const bytes = size ?? (body as Buffer).length;
      const r = await client.pushUpload({ body, size: bytes, mediaName: fileName, mediaType, classId });
      onProgress?.({ sentBytes: bytes, totalBytes: bytes });
      return { fileId: r.fileId, size: bytes };
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
      if (!info) throw new Error(`DescribeMediaInfos does not know file ${fileId}`);
      return {
        // Definition 0 is the original file (§4.7); v2's playSet lists it too, so both keep it.
        playSet: (info.TranscodeInfo?.TranscodeSet ?? []).map((t) => ({ definition: t.Definition, url: t.Url, width: t.Width, height: t.Height, bitrate: t.Bitrate })),
        coverUrl: info.BasicInfo?.CoverUrl || undefined,
        duration: info.MetaData?.Duration,
      };
    },
    async pullEvents({ timeoutMs }) {
      const res = await client.call('PullEvents', {}, { timeoutMs, retry: { maxAttempts: 1 } });
      return res.EventSet.flatMap((e) => (e.EventHandle ? [{ handle: e.EventHandle, event: eventViewV3(e) }] : []));
    },
    async confirmEvents(handles) {
      for (let i = 0; i < handles.length; i += 16) await client.call('ConfirmEvents', { EventHandles: handles.slice(i, i + 16) });
    },
    parseCallback(body) {
      // The local emulator's HTTP callbacks keep the 2.0 format; they are only a hint either way
      // (the task is read back with DescribeTaskDetail before it is trusted), so take both.
      const legacy = typeof body === 'string' ? body.includes('"eventType"') && !body.includes('"EventType"') : !!body && typeof body === 'object' && 'eventType' in body;
      if (legacy) {
        const parsed = safeParseVodEvent(body);
        return parsed.success ? { success: true, event: eventViewV2(parsed.event) } : { success: false, eventType: parsed.eventType, issues: parsed.issues };
      }
      let json: unknown = body;
      if (typeof body === 'string') {
        try {
          json = JSON.parse(body);
        } catch {
          return { success: false, issues: ['the body is not JSON'] };
        }
      }
      const parsed = eventContent.safeParse(json);
      if (!parsed.success) {
        const type = (json as { EventType?: unknown })?.EventType;
        return { success: false, eventType: typeof type === 'string' ? type : undefined, issues: describeIssues(parsed.error.issues) };
      }
      return { success: true, event: eventViewV3(parsed.data) };
    },
  };
}
