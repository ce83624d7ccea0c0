// Processing requests (reference §4.5): each validates its parameters, answers with a vodTaskId
// at once, and leaves the media work to a task.
import { DEFINITIONS, IMAGE_SPRITE_DEFINITIONS, SAMPLE_SNAPSHOT_DEFINITIONS, SNAPSHOT_DEFINITIONS } from '../media';
import { newFileId } from '../ids';
import { parseOutboundUrl, type RefusedUrl } from '../net-guard';
import { ApiError } from '../protocol';
import { parseProcedure, ProcedureError } from '../uploads/procedure-string';
import type { ProcedureInput } from '../types';
import type { Args } from './args';
import { fileById, readyFileArg } from './files';
import { startTask } from './new-task';
import type { ActionCall, ActionHandler } from './types';

const NOTIFY_MODES = ['Finish', 'Change', 'None'] as const;

export function checkTranscodeDefinitions(definitions: number[]): void {
  for (const d of definitions)
    if (!Object.hasOwn(DEFINITIONS, d))
      throw new ApiError(4000, `transcode definition ${d} is not a template: use ${Object.keys(DEFINITIONS).join(', ')}`);
}

function notifyUrlArg(args: Args): string | undefined {
  const url = args.str('notifyUrl', { max: 1024 });
  if (!url) return undefined;
  try {
    parseOutboundUrl(url);
  } catch (err) {
    throw new ApiError(4000, `notifyUrl: ${(err as RefusedUrl).message}`);
  }
  return url;
}

function template(table: Readonly<Record<number, unknown>>, what: string, definition: number | undefined): number | undefined {
  if (definition !== undefined && !Object.hasOwn(table, definition))
    throw new ApiError(4000, `${what} definition ${definition} is not a template: use ${Object.keys(table).join(', ')}`);
  return definition;
}

/** ProcessFile's nested operations; at least one is required. */
export function procedureFromArgs(args: Args): ProcedureInput {
  const p: ProcedureInput = {};
  const definitions = args.intList('transcode.definition', { maxItems: 20 });
  if (definitions.length) {
    checkTranscodeDefinitions(definitions);
    p.transcode = { definitions: [...new Set(definitions)], watermark: args.int('transcode.watermark', { min: 0, max: 1 }) ?? 0 };
    if (args.flag('transcode.hlsMasterPlaylist')) p.transcode.hlsMasterPlaylist = true;
  }
  const sample = template(SAMPLE_SNAPSHOT_DEFINITIONS, 'sampleSnapshot', args.int('sampleSnapshot.definition', { min: 1 }));
  if (sample !== undefined) p.sampleSnapshot = { definition: sample };
  const cover = template(SNAPSHOT_DEFINITIONS, 'coverBySnapshot', args.int('coverBySnapshot.definition', { min: 1 }));
  if (cover !== undefined) {
    const positionType = args.oneOf('coverBySnapshot.positionType', ['Time', 'Percent'] as const) ?? 'Time';
    const position = args.int('coverBySnapshot.position', { min: 0, max: positionType === 'Percent' ? 100 : 604_800 }) ?? 0;
    p.coverBySnapshot = { definition: cover, positionType, position };
  }
  const shot = template(SNAPSHOT_DEFINITIONS, 'snapshotByTimeOffset', args.int('snapshotByTimeOffset.definition', { min: 1 }));
  if (shot !== undefined) {
    const timeOffsets = args.intList('snapshotByTimeOffset.timeOffset', { min: 0, maxItems: 100 });
    if (!timeOffsets.length) throw new ApiError(4000, 'snapshotByTimeOffset needs timeOffset.0, timeOffset.1, … (ms)');
    p.snapshotByTimeOffset = { definition: shot, timeOffsets };
  }
  const sprite = template(IMAGE_SPRITE_DEFINITIONS, 'imageSprite', args.int('imageSprite.definition', { min: 1 }));
  if (sprite !== undefined) p.imageSprite = { definition: sprite };
  return p;
}

const isEmpty = (p: ProcedureInput) => !p.transcode && !p.sampleSnapshot && !p.coverBySnapshot && !p.snapshotByTimeOffset && !p.imageSprite;

export const processFile: ActionHandler = (call) => {
  const procedure = procedureFromArgs(call.args);
  const notifyMode = call.args.oneOf('notifyMode', NOTIFY_MODES) ?? 'Finish';
  if (isEmpty(procedure))
    throw new ApiError(4000, 'nothing to do: give transcode, sampleSnapshot, coverBySnapshot, snapshotByTimeOffset or imageSprite');
  const file = readyFileArg(call);
  const task = startTask(call, 'procedure', file.fileId, { kind: 'procedure', procedure }, notifyMode);
  return { vodTaskId: task.vodTaskId };
};

/**
 * ProcessFileByProcedure `fileId`, `procedure` (qcloudcli's 2018 parameter list, reference §4.5):
 * the procedure is a preset task flow string, `QCVB_SimpleProcessFile(…)` as in ApplyUpload and the
 * upload signature — the only preset the emulator knows. Details are UNCONFIRMED in the reference.
 */
export const processFileByProcedure: ActionHandler = (call) => {
  const text = call.args.requiredStr('procedure', { max: 512 });
  let procedure: ProcedureInput;
  try {
    procedure = parseProcedure(text, call.ctx.settings.defaultDefinitions);
  } catch (err) {
    if (err instanceof ProcedureError) throw new ApiError(4000, `procedure: ${err.message}`);
    throw err;
  }
  if (isEmpty(procedure)) throw new ApiError(4000, `procedure ${text.slice(0, 64)} does nothing`);
  const notifyMode = call.args.oneOf('notifyMode', NOTIFY_MODES) ?? 'Finish';
  const file = readyFileArg(call);
  const task = startTask(call, 'procedure', file.fileId, { kind: 'procedure', procedure }, notifyMode);
  return { vodTaskId: task.vodTaskId };
};

export const convertVodFile: ActionHandler = (call) => {
  call.args.flag('isScreenshot');
  call.args.flag('isWatermark');
  const notifyUrl = notifyUrlArg(call.args);
  const file = readyFileArg(call);
  const task = startTask(
    call,
    'transcode',
    file.fileId,
    { kind: 'transcode', definitions: call.ctx.settings.defaultDefinitions },
    'Finish',
    notifyUrl,
  );
  return { vodTaskId: task.vodTaskId };
};

export const createSnapshotByTimeOffset: ActionHandler = (call) => {
  const definition = template(SNAPSHOT_DEFINITIONS, 'snapshot', call.args.requiredInt('definition', { min: 1 }))!;
  const timeOffsets = call.args.intList('timeOffset', { min: 0, maxItems: 100 });
  if (!timeOffsets.length) throw new ApiError(4000, 'missing parameter timeOffset.0 (ms)');
  const file = readyFileArg(call);
  const task = startTask(call, 'snapshotByTimeOffset', file.fileId, { kind: 'snapshotByTimeOffset', definition, timeOffsets });
  return { vodTaskId: task.vodTaskId };
};

export const createImageSprite: ActionHandler = (call) => {
  const definition = template(IMAGE_SPRITE_DEFINITIONS, 'imageSprite', call.args.requiredInt('definition', { min: 1 }))!;
  const file = readyFileArg(call);
  const task = startTask(call, 'imageSprite', file.fileId, { kind: 'imageSprite', definition });
  return { vodTaskId: task.vodTaskId };
};

const exists = (call: ActionCall) => (id: string) => id in call.ctx.store.state.files || id in call.ctx.store.state.deleted;

export const concatVideo: ActionHandler = (call) => {
  const { args } = call;
  const sources = args.records('srcFileList', 500);
  if (sources.length < 1) throw new ApiError(4000, 'missing parameter srcFileList.0.fileId');
  const name = args.requiredStr('name', { max: 256 });
  const dstTypes = args.list('dstType', 2);
  if (!dstTypes.length) throw new ApiError(4000, 'missing parameter dstType.0 (mp4 or m3u8)');
  for (const t of dstTypes) if (t !== 'mp4' && t !== 'm3u8') throw new ApiError(4000, `dstType ${t} must be mp4 or m3u8`);
  const srcFileIds = sources.map((s, i) => {
    if (!s.fileId) throw new ApiError(4000, `missing parameter srcFileList.${i}.fileId`);
    const f = fileById(call, s.fileId);
    if (f.status !== 'normal') throw new ApiError(10009, `file ${f.fileId} is not ready`);
    return f.fileId;
  });
  const outputs = [...new Set(dstTypes)].map((dstType) => ({ dstType: dstType as 'mp4' | 'm3u8', fileId: newFileId(exists(call)) }));
  const task = startTask(call, 'concat', srcFileIds[0], { kind: 'concat', srcFileIds, name, outputs });
  return { vodTaskId: task.vodTaskId };
};

export const clipVideo: ActionHandler = (call) => {
  const { args } = call;
  // An early draft named the source srcFileId (reference §4.5).
  const file = readyFileArg(call, args.has('fileId') ? 'fileId' : 'srcFileId');
  const newFileName = args.requiredStr('newFileName', { max: 256 });
  const startTimeOffset = args.int('startTimeOffset', { min: -604_800, max: 604_800 }) ?? 0;
  const endTimeOffset = args.int('endTimeOffset', { min: -604_800, max: 604_800 });
  const task = startTask(call, 'clip', file.fileId, {
    kind: 'clip',
    newFileId: newFileId(exists(call)),
    newFileName,
    startTimeOffset,
    endTimeOffset,
  });
  return { vodTaskId: task.vodTaskId };
};
