// ProcessFile (and procedures given at upload): probe the source, then one sub-task per requested
// operation, reported as ProcedureStateChanged data (reference §4.7.4). A sub-task failure keeps
// its seed code in the sub-task's errCode and in the procedure's errCode.
import { SAMPLE_SNAPSHOT_DEFINITIONS, type OutputFile } from '../media';
import type { ProcedureInput, VodFile } from '../types';
import { checkAborted, dirOf, metaDataOf, readyFile, sourcePath, urlOf } from './common';
import { failureOf, TaskFailure } from './failure';
import { writeMasterPlaylist } from './master-playlist';
import type { TaskExecutor, TaskRun } from './runner';

interface SubTask {
  taskType: string;
  status: 'PROCESSING' | 'SUCCESS' | 'FAIL';
  errCode: number;
  message: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
}

function subTasksOf(p: ProcedureInput): SubTask[] {
  const sub = (taskType: string, input: Record<string, unknown>): SubTask => ({
    taskType,
    status: 'PROCESSING',
    errCode: 0,
    message: '',
    input,
  });
  const list: SubTask[] = [];
  for (const definition of p.transcode?.definitions ?? [])
    list.push(sub('Transcode', { definition, watermark: p.transcode?.watermark ?? 0 }));
  if (p.sampleSnapshot) list.push(sub('SampleSnapshot', { definition: p.sampleSnapshot.definition }));
  if (p.coverBySnapshot) list.push(sub('CoverBySnapshot', { ...p.coverBySnapshot }));
  if (p.snapshotByTimeOffset)
    list.push(
      sub('SnapshotByTimeOffset', { definition: p.snapshotByTimeOffset.definition, timeOffset: p.snapshotByTimeOffset.timeOffsets }),
    );
  if (p.imageSprite) list.push(sub('ImageSprite', { definition: p.imageSprite.definition }));
  return list;
}

const names = (files: OutputFile[]) => files.map((f) => f.name);

async function runSubTask(run: TaskRun, file: VodFile, src: string, sub: SubTask): Promise<Record<string, unknown>> {
  const { engine } = run.ctx;
  const dir = dirOf(run.ctx, file);
  const definition = Number(sub.input.definition);
  switch (sub.taskType) {
    case 'Transcode': {
      const out = await engine.transcode(src, definition, dir, { signal: run.signal });
      checkAborted(run);
      file.transcodes[String(definition)] = { definition, name: out.main.name, names: names(out.files), info: out };
      return { url: urlOf(file, out.main.name), ...metaDataOf(out) };
    }
    case 'SampleSnapshot': {
      const files = await engine.sampleSnapshot(src, definition, dir, { signal: run.signal });
      const template = SAMPLE_SNAPSHOT_DEFINITIONS[definition];
      checkAborted(run);
      file.sampleSnapshots = [
        ...file.sampleSnapshots.filter((s) => s.definition !== definition),
        { definition, sampleType: template?.sampleType ?? 'Percent', interval: template?.interval ?? 10, names: names(files) },
      ];
      return { imageUrls: files.map((f) => urlOf(file, f.name)) };
    }
    case 'CoverBySnapshot': {
      const { positionType, position } = sub.input as { positionType: 'Time' | 'Percent'; position: number };
      const cover = await engine.coverBySnapshot(src, positionType, position, dir, { signal: run.signal, definition });
      checkAborted(run);
      file.coverName = cover.name;
      return { imageUrl: urlOf(file, cover.name) };
    }
    case 'SnapshotByTimeOffset': {
      const offsets = sub.input.timeOffset as number[];
      const shots = await engine.snapshotByTimeOffset(src, offsets, definition, dir, { signal: run.signal });
      checkAborted(run);
      const ok = shots.filter((s) => s.file);
      if (ok.length === 0) throw new TaskFailure(shots.find((s) => s.status !== 0)?.status ?? -44098, 'no snapshot could be taken');
      file.snapshotsByTimeOffset = [
        ...file.snapshotsByTimeOffset.filter((s) => s.definition !== definition),
        { definition, pics: ok.map((s) => ({ timeOffset: s.timeOffset, name: s.file!.name })) },
      ];
      return { imgInfo: ok.map((s) => ({ timeOffset: s.timeOffset, url: urlOf(file, s.file!.name) })) };
    }
    case 'ImageSprite': {
      const sprite = await engine.imageSprite(src, definition, dir, { signal: run.signal });
      checkAborted(run);
      file.imageSprites = [
        ...file.imageSprites.filter((s) => s.definition !== definition),
        { definition, width: sprite.width, height: sprite.height, totalCount: sprite.totalCount, names: names(sprite.files) },
      ];
      return { totalCount: sprite.totalCount, imageUrls: sprite.files.map((f) => urlOf(file, f.name)) };
    }
    default:
      throw new TaskFailure(30010, `unknown sub-task ${sub.taskType}`);
  }
}

function input(run: TaskRun): ProcedureInput {
  if (run.task.input.kind !== 'procedure') throw new TaskFailure(30010, 'not a procedure task');
  return run.task.input.procedure;
}

function emit(run: TaskRun, data: Record<string, unknown>): void {
  if (run.task.notifyMode === 'None') return;
  run.ctx.events.emit(run.task.appId, 'ProcedureStateChanged', structuredClone(data), run.task.notifyUrl);
}

function finish(run: TaskRun, data: Record<string, unknown>, subs: SubTask[], code?: number, message?: string): void {
  const failed = subs.find((s) => s.status === 'FAIL');
  data.status = 'FINISH';
  data.errCode = code ?? failed?.errCode ?? 0;
  data.message = message ?? failed?.message ?? '';
  run.finish('ProcedureStateChanged', data);
}

export const procedureExecutor: TaskExecutor = {
  async run(run) {
    const subs = subTasksOf(input(run));
    const data: Record<string, unknown> = {
      vodTaskId: run.task.vodTaskId,
      status: 'PROCESSING',
      errCode: 0,
      message: '',
      fileId: run.task.fileId,
      metaData: {},
      processTaskList: subs,
    };
    run.task.data = data;
    run.save();
    const file = readyFile(run);
    const src = sourcePath(run.ctx, file);
    if (run.task.notifyMode === 'Change') emit(run, data);
    try {
      run.checkStep('Probe');
      file.metaData = await run.ctx.engine.probeSource(src, { signal: run.signal });
      data.metaData = metaDataOf(file.metaData);
    } catch (err) {
      checkAborted(run);
      const f = failureOf(err);
      for (const s of subs) Object.assign(s, { status: 'FAIL', errCode: f.code, message: f.message });
      return finish(run, data, subs, f.code, f.message);
    }
    for (const sub of subs) {
      checkAborted(run);
      try {
        run.checkStep(sub.taskType);
        sub.output = await runSubTask(run, file, src, sub);
        sub.status = 'SUCCESS';
      } catch (err) {
        checkAborted(run);
        const f = failureOf(err);
        if (f.detail) run.ctx.log('info', `${run.task.vodTaskId} ${sub.taskType} failed with ${f.code}`, { detail: f.detail });
        Object.assign(sub, { status: 'FAIL', errCode: f.code, message: f.message });
      }
      file.updateTime = Math.floor(Date.now() / 1000);
      run.save();
      if (run.task.notifyMode === 'Change' && sub !== subs.at(-1)) emit(run, data);
    }
    const { transcode } = input(run);
    if (transcode?.hlsMasterPlaylist && writeMasterPlaylist(file, dirOf(run.ctx, file), transcode.definitions)) run.save();
    finish(run, data, subs);
  },
  fail(run, code, message) {
    const existing = run.task.data as { processTaskList?: SubTask[] } | undefined;
    const subs = existing?.processTaskList ?? subTasksOf(input(run));
    for (const s of subs) if (s.status !== 'SUCCESS') Object.assign(s, { status: 'FAIL', errCode: code, message });
    const data = {
      vodTaskId: run.task.vodTaskId,
      status: 'FINISH',
      errCode: code,
      message,
      fileId: run.task.fileId,
      metaData: metaDataOf(run.ctx.store.state.files[run.task.fileId ?? '']?.metaData) ?? {},
      processTaskList: subs,
    };
    finish(run, data, subs, code, message);
  },
};
