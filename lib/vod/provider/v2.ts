// The API 2.0 provider: today's v2 client (lib/vod/client) and chunked upload (lib/vod/upload).
import { outcomeOfTask, procedureOutcome, procedureShare, pullOutcome } from './v2-outcome';
import { safeParseVodEvent, type AnyVodEvent, type VodClient } from '../client';
import type { CallbackParse, EventView, ProcessingPlan, VodProvider } from './types';

/** ProcessFile params from a plan. notifyMode Finish: one callback when all is done. */
export function processFileParams(plan: ProcessingPlan) {
  return {
    fileId: plan.fileId,
    transcode: { definition: plan.definitions },
    ...(plan.cover
      ? { coverBySnapshot: { definition: plan.cover.definition, positionType: 'Percent' as const, position: plan.cover.percent } }
      : {}),
    ...(plan.snapshots
      ? { snapshotByTimeOffset: { definition: plan.snapshots.definition, timeOffset: plan.snapshots.timeOffsetsMs } }
      : {}),
    notifyMode: 'Finish' as const,
  };
}

export function eventViewV2(event: AnyVodEvent): EventView {
  if (event.eventType !== 'PullComplete' && event.eventType !== 'ProcedureStateChanged') return { eventType: event.eventType };
  const data = event.data as { vodTaskId?: string; status?: unknown };
  const kind = event.eventType === 'PullComplete' ? 'pull' : 'procedure';
  const outcome =
    kind === 'pull'
      ? pullOutcome(event.data as Parameters<typeof pullOutcome>[0])
      : data.status === 'FINISH'
        ? procedureOutcome(event.data as Parameters<typeof procedureOutcome>[0])
        : undefined;
  return { eventType: event.eventType, vodTaskId: data.vodTaskId, kind, outcome };
}

/** A 2.0 event (`{"version":"4.0","eventType",data}`, a callback body or a PullEvent's eventContent). */
export function parseEventV2(body: unknown): CallbackParse {
  const parsed = safeParseVodEvent(body);
  return parsed.success
    ? { success: true, event: eventViewV2(parsed.event) }
    : { success: false, eventType: parsed.eventType, issues: parsed.issues };
}

export function createV2Provider(client: VodClient): VodProvider {
  return {
    version: 'v2',
    async pullSource({ url, fileName, classId, fileMd5 }) {
      const res = await client.multiPullVodFile({ pullset: [{ url, fileName, classId, fileMd5 }] });
      const item = res.data[0];
      if (!item) throw new Error('MultiPullVodFile answered without a task');
      return { vodTaskId: item.vod_task_id, fileId: item.file_id };
    },
    async startProcessing(plan, redoVodTaskId) {
      if (redoVodTaskId) {
        await client.redoTask({ vodTaskId: redoVodTaskId });
        return { vodTaskId: redoVodTaskId };
      }
      return { vodTaskId: (await client.processFile(processFileParams(plan))).vodTaskId };
    },
    async readTask(vodTaskId) {
      const info = await client.getTaskInfo({ vodTaskId });
      const outcome = outcomeOfTask(info);
      return { status: info.status, finished: outcome !== undefined, outcome, progress: procedureShare(info) };
    },
    async readFile(fileId) {
      const { playSet } = await client.describeVodPlayUrls({ fileId });
      const info = await client.getVideoInfo({ fileId, infoFilter: ['basicInfo'] });
      return {
        playSet: playSet.map((p) => ({ definition: p.definition, url: p.url, width: p.vwidth, height: p.vheight, bitrate: p.vbitrate })),
        coverUrl: info.basicInfo?.coverUrl || undefined,
        duration: info.basicInfo?.duration,
      };
    },
    async pullEvents({ timeoutMs }) {
      const { eventList } = await client.pullEvent({}, { timeoutMs, retry: { maxAttempts: 1 } });
      return eventList.map(({ msgHandle, eventContent }) => ({ handle: msgHandle, parsed: parseEventV2(eventContent) }));
    },
    async confirmEvents(handles) {
      await client.confirmEvent({ msgHandle: handles });
    },
  };
}
