// MultiPullVodFile (reference §4.1.6): every URL is checked (http/https only; its host resolved
// and refused if private or reserved, loopback excepted) before anything is created; the answer
// gives file_id and vod_task_id at once and the download runs as a `pull` task.
import { extname } from 'node:path';
import { newFileId } from '../ids';
import { checkOutboundUrl, RefusedUrl } from '../net-guard';
import { ApiError } from '../protocol';
import { newVodFile } from '../tasks/common';
import { startTask } from './new-task';
import type { ActionHandler } from './types';

const MAX_PULLS = 50;
const EXT = /^[a-z0-9]{1,8}$/;

/** Extension from the file name or the URL path, else mp4. */
export function typeOf(...candidates: string[]): string {
  for (const c of candidates) {
    const ext = extname(c).slice(1).toLowerCase();
    if (EXT.test(ext)) return ext;
  }
  return 'mp4';
}

export const multiPullVodFile: ActionHandler = async (call) => {
  const { args, ctx } = call;
  const items = args.records('pullset', MAX_PULLS);
  if (!items.length) throw new ApiError(4000, 'missing parameter pullset.0.url');
  const checked = [];
  for (const [i, item] of items.entries()) {
    if (!item.url) throw new ApiError(4000, `missing parameter pullset.${i}.url`);
    if (!item.fileName) throw new ApiError(4000, `missing parameter pullset.${i}.fileName`);
    if (item.url.length > 4096 || item.fileName.length > 256) throw new ApiError(4000, `pullset.${i}: url or fileName too long`);
    if (item.fileMd5 !== undefined && !/^[0-9a-fA-F]{32}$/.test(item.fileMd5))
      throw new ApiError(4000, `pullset.${i}.fileMd5 must be 32 hex digits`);
    const classId = item.classId === undefined ? 0 : Number(item.classId);
    if (!Number.isInteger(classId) || classId < 0) throw new ApiError(4000, `pullset.${i}.classId must be an integer`);
    try {
      const { url } = await checkOutboundUrl(item.url, { allowPrivate: ctx.settings.allowPrivatePullHosts });
      checked.push({ item, url, classId });
    } catch (err) {
      if (err instanceof RefusedUrl) throw new ApiError(4000, `pullset.${i}.url refused: ${err.message}`);
      throw err;
    }
  }
  const data = checked.map(({ item, url, classId }) => {
    const { state } = ctx.store;
    const fileId = newFileId((id) => id in state.files || id in state.deleted);
    const type = typeOf(item.fileName!, url.pathname);
    state.files[fileId] = newVodFile({
      fileId,
      appId: call.account.appId,
      name: item.fileName!,
      type,
      sourceType: 'Pull',
      sourceName: `f0.${type}`,
      sourceUrl: url.toString(),
      status: 'uploading',
      classId,
      tags: item.tags ? item.tags.split(',').filter(Boolean) : [],
    });
    const task = startTask(
      call,
      'pull',
      fileId,
      {
        kind: 'pull',
        url: url.toString(),
        fileName: item.fileName!,
        md5: item.fileMd5?.toLowerCase(),
        isTranscode: item.isTranscode === '1',
      },
      'Finish',
      item.notifyUrl,
    );
    return { source_url: item.url, file_id: fileId, file_name: item.fileName, vod_task_id: task.vodTaskId };
  });
  return { data };
};
