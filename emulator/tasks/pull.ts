// MultiPullVodFile's work (reference §4.1.6): download the URL (through the address guard, with
// a size cap) into the file's folder, then PullComplete; isTranscode=1 chains a transcode task.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newVodTaskId } from '../ids';
import { download, OutboundError } from '../outbound';
import { RefusedUrl } from '../net-guard';
import { dirOf, liveFile, now, probeInBackground, urlOf } from './common';
import { TaskFailure } from './failure';
import type { TaskExecutor, TaskRun } from './runner';

/** The legacy pull failure status "源站拉取文件失败" (reference §4.7.6). */
export const PULL_FAILED = 10001;

/** A whole pull's time limit unless limits.maxPullMs says otherwise: slow sources fail, not block. */
export const PULL_DEADLINE_MS = 10 * 60_000;

export const pullExecutor: TaskExecutor = {
  async run(run) {
    const input = run.task.input;
    if (input.kind !== 'pull') throw new TaskFailure(30010, 'not a pull task');
    const { ctx } = run;
    const file = liveFile(ctx, run.task.fileId);
    const dir = dirOf(ctx, file);
    const partial = join(dir, `${file.sourceName}.part`);
    run.checkStep('PullFile');
    let result;
    try {
      result = await download(input.url, partial, {
        allowPrivate: ctx.settings.allowPrivatePullHosts,
        maxBytes: ctx.settings.limits.maxPullBytes,
        timeoutMs: 30_000,
        deadlineMs: ctx.settings.limits.maxPullMs ?? PULL_DEADLINE_MS,
        signal: run.signal,
      });
    } catch (err) {
      rmSync(partial, { force: true });
      if (err instanceof OutboundError || err instanceof RefusedUrl) throw new TaskFailure(PULL_FAILED, err.message);
      throw err;
    }
    if (input.md5 && input.md5.toLowerCase() !== result.md5) {
      rmSync(partial, { force: true });
      throw new TaskFailure(PULL_FAILED, `the downloaded file's MD5 ${result.md5} differs from fileMd5 ${input.md5}`);
    }
    renameSync(partial, join(dir, file.sourceName));
    Object.assign(file, { status: 'normal', size: result.size, md5: result.md5, sha1: result.sha1, updateTime: now() });
    run.save();
    await probeInBackground(ctx, file);
    const data: Record<string, unknown> = {
      status: 0,
      message: '',
      vodTaskId: run.task.vodTaskId,
      fileId: file.fileId,
      fileUrl: urlOf(file, file.sourceName),
    };
    if (input.isTranscode) {
      const vodTaskId = newVodTaskId('transcode', run.task.appId);
      ctx.runner.submit({
        vodTaskId,
        appId: run.task.appId,
        type: 'transcode',
        status: 'WAITING',
        fileId: file.fileId,
        input: { kind: 'transcode', definitions: ctx.settings.defaultDefinitions },
        notifyMode: 'Finish',
        createTime: now(),
        beginProcessTime: 0,
        finishTime: 0,
        attempts: 0,
      });
      data.transcodeTaskId = vodTaskId;
    }
    run.finish('PullComplete', data);
  },
  fail(run, code, message) {
    const file = run.ctx.store.state.files[run.task.fileId ?? ''];
    if (file && file.status === 'uploading') file.status = 'failed';
    run.finish('PullComplete', {
      status: code,
      message,
      vodTaskId: run.task.vodTaskId,
      fileId: run.task.fileId,
      fileUrl: file ? urlOf(file, file.sourceName) : '',
    });
  },
};
