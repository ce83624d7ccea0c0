// Single-purpose tasks on an existing file: ConvertVodFile (TranscodeComplete),
// CreateSnapshotByTimeOffset and CreateImageSprite (their *Complete events), reference §4.5, §4.7.4.
import { checkAborted, coverUrlOf, dirOf, playSetOf, readyFile, sourcePath, urlOf } from './common';
import { TaskFailure } from './failure';
import type { TaskExecutor, TaskRun } from './runner';

export const transcodeExecutor: TaskExecutor = {
  async run(run) {
    if (run.task.input.kind !== 'transcode') throw new TaskFailure(30010, 'not a transcode task');
    const file = readyFile(run);
    const src = sourcePath(run.ctx, file);
    run.checkStep('Probe');
    file.metaData = await run.ctx.engine.probeSource(src, { signal: run.signal });
    for (const definition of run.task.input.definitions) {
      checkAborted(run);
      run.checkStep('Transcode');
      const out = await run.ctx.engine.transcode(src, definition, dirOf(run.ctx, file), { signal: run.signal });
      checkAborted(run);
      file.transcodes[String(definition)] = { definition, name: out.main.name, names: out.files.map((f) => f.name), info: out };
      run.save();
    }
    // TranscodeComplete comes only once every definition succeeded (reference §4.7.3).
    run.finish('TranscodeComplete', {
      status: 0,
      message: '',
      vodTaskId: run.task.vodTaskId,
      fileId: file.fileId,
      fileName: file.name,
      duration: Math.round(file.metaData.duration),
      coverUrl: coverUrlOf(file),
      playSet: playSetOf(file),
    });
  },
  fail(run, code, message) {
    run.finish('TranscodeComplete', { status: code, message, vodTaskId: run.task.vodTaskId, fileId: run.task.fileId });
  },
};

export const snapshotExecutor: TaskExecutor = {
  async run(run) {
    const input = run.task.input;
    if (input.kind !== 'snapshotByTimeOffset') throw new TaskFailure(30010, 'not a snapshot task');
    const file = readyFile(run);
    run.checkStep('SnapshotByTimeOffset');
    const shots = await run.ctx.engine.snapshotByTimeOffset(
      sourcePath(run.ctx, file),
      input.timeOffsets,
      input.definition,
      dirOf(run.ctx, file),
      { signal: run.signal },
    );
    checkAborted(run);
    const ok = shots.filter((s) => s.file);
    if (ok.length) {
      file.snapshotsByTimeOffset = [
        ...file.snapshotsByTimeOffset.filter((s) => s.definition !== input.definition),
        { definition: input.definition, pics: ok.map((s) => ({ timeOffset: s.timeOffset, name: s.file!.name })) },
      ];
    }
    const firstFailure = shots.find((s) => !s.file)?.status;
    run.finish('CreateSnapshotByTimeOffsetComplete', {
      status: ok.length ? 0 : (firstFailure ?? -44098),
      message: '',
      vodTaskId: run.task.vodTaskId,
      fileId: file.fileId,
      definition: input.definition,
      picInfo: shots.map((s) =>
        s.file ? { timeOffset: s.timeOffset, url: urlOf(file, s.file.name), status: 0 } : { timeOffset: s.timeOffset, status: s.status },
      ),
    });
  },
  fail(run, code, message) {
    const input = run.task.input;
    const definition = input.kind === 'snapshotByTimeOffset' ? input.definition : 0;
    const offsets = input.kind === 'snapshotByTimeOffset' ? input.timeOffsets : [];
    run.finish('CreateSnapshotByTimeOffsetComplete', {
      status: code,
      message,
      vodTaskId: run.task.vodTaskId,
      fileId: run.task.fileId,
      definition,
      picInfo: offsets.map((timeOffset) => ({ timeOffset, status: code })),
    });
  },
};

export const imageSpriteExecutor: TaskExecutor = {
  async run(run) {
    const input = run.task.input;
    if (input.kind !== 'imageSprite') throw new TaskFailure(30010, 'not an image sprite task');
    const file = readyFile(run);
    run.checkStep('ImageSprite');
    const sprite = await run.ctx.engine.imageSprite(sourcePath(run.ctx, file), input.definition, dirOf(run.ctx, file), {
      signal: run.signal,
    });
    checkAborted(run);
    const names = sprite.files.map((f) => f.name);
    file.imageSprites = [
      ...file.imageSprites.filter((s) => s.definition !== input.definition),
      { definition: input.definition, width: sprite.width, height: sprite.height, totalCount: sprite.totalCount, names },
    ];
    run.finish('CreateImageSpriteComplete', {
      status: 0,
      message: '',
      vodTaskId: run.task.vodTaskId,
      fileId: file.fileId,
      definition: input.definition,
      totalCount: sprite.totalCount,
      imageSpriteUrl: names.map((n) => urlOf(file, n)),
    });
  },
  fail(run, code, message) {
    const definition = run.task.input.kind === 'imageSprite' ? run.task.input.definition : 0;
    run.finish('CreateImageSpriteComplete', {
      status: code,
      message,
      vodTaskId: run.task.vodTaskId,
      fileId: run.task.fileId,
      definition,
      totalCount: 0,
      imageSpriteUrl: [],
    });
  },
};
