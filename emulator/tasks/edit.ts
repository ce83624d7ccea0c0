// ClipVideo and ConcatVideo: outputs become new files with their own fileIds (ClipComplete,
// ConcatComplete; reference §4.5, §4.7.4).
import type { TranscodeOutput } from '../media';
import type { VodFile } from '../types';
import { checkAborted, dirOf, liveFile, newVodFile, readyFile, sourcePath, urlOf } from './common';
import { failureOf, TaskFailure } from './failure';
import type { TaskRun, TaskExecutor } from './runner';

function outputFile(
  run: TaskRun,
  fileId: string,
  name: string,
  type: string,
  sourceType: 'Clip' | 'Concat',
  out: TranscodeOutput,
): VodFile {
  const file = newVodFile({
    fileId,
    appId: run.task.appId,
    name,
    type,
    sourceType,
    sourceName: out.main.name,
    status: 'normal',
    size: out.size,
    md5: out.md5,
    metaData: out,
  });
  run.ctx.store.state.files[fileId] = file;
  run.save();
  return file;
}

export const clipExecutor: TaskExecutor = {
  async run(run) {
    const input = run.task.input;
    if (input.kind !== 'clip') throw new TaskFailure(30010, 'not a clip task');
    const src = readyFile(run);
    run.checkStep('Clip');
    const dir = dirOf(run.ctx, { appId: run.task.appId, fileId: input.newFileId });
    const srcPath = sourcePath(run.ctx, src);
    // Negative offsets count from the end (reference §4.5): resolve them against the duration.
    let { startTimeOffset: start, endTimeOffset: end } = input;
    if (start < 0 || (end !== undefined && end < 0)) {
      const { duration } = await run.ctx.engine.probeSource(srcPath, { signal: run.signal });
      if (start < 0) start = Math.max(0, duration + start);
      if (end !== undefined && end < 0) end = Math.max(0, duration + end);
    }
    const out = await run.ctx.engine.clip(srcPath, start, end, dir, { signal: run.signal });
    checkAborted(run);
    const file = outputFile(run, input.newFileId, input.newFileName, 'mp4', 'Clip', out);
    run.finish('ClipComplete', {
      status: 0,
      message: '',
      vodTaskId: run.task.vodTaskId,
      srcFileId: src.fileId,
      fileInfo: { fileType: 'mp4', status: 0, message: '', fileId: file.fileId, fileUrl: urlOf(file, file.sourceName) },
    });
  },
  fail(run, code, message) {
    run.finish('ClipComplete', {
      status: code,
      message,
      vodTaskId: run.task.vodTaskId,
      srcFileId: run.task.fileId,
      fileInfo: { status: code, message },
    });
  },
};

export const concatExecutor: TaskExecutor = {
  async run(run) {
    const input = run.task.input;
    if (input.kind !== 'concat') throw new TaskFailure(30010, 'not a concat task');
    const sources = input.srcFileIds.map((id) => {
      const f = liveFile(run.ctx, id);
      if (f.status !== 'normal') throw new TaskFailure(10009, `source ${id} is not ready`);
      return sourcePath(run.ctx, f);
    });
    const fileInfo: Array<Record<string, unknown>> = [];
    for (const output of input.outputs) {
      checkAborted(run);
      try {
        run.checkStep('Concat');
        const dir = dirOf(run.ctx, { appId: run.task.appId, fileId: output.fileId });
        const out = await run.ctx.engine.concat(sources, output.dstType, dir, { signal: run.signal });
        checkAborted(run);
        const file = outputFile(run, output.fileId, input.name, output.dstType, 'Concat', out);
        fileInfo.push({ fileType: output.dstType, status: 0, message: '', fileId: file.fileId, fileUrl: urlOf(file, file.sourceName) });
      } catch (err) {
        checkAborted(run);
        const f = failureOf(err);
        fileInfo.push({ fileType: output.dstType, status: f.code, message: f.message });
      }
    }
    const failed = fileInfo.find((f) => f.status !== 0);
    run.finish('ConcatComplete', { status: failed?.status ?? 0, message: failed?.message ?? '', vodTaskId: run.task.vodTaskId, fileInfo });
  },
  fail(run, code, message) {
    const outputs = run.task.input.kind === 'concat' ? run.task.input.outputs : [];
    run.finish('ConcatComplete', {
      status: code,
      message,
      vodTaskId: run.task.vodTaskId,
      fileInfo: outputs.map((o) => ({ fileType: o.dstType, status: code, message })),
    });
  },
};
