// The 1.0-era actions the 4.0 API kept, through qcloudapi-sdk (Tencent's Node API 2.0 SDK):
// DescribeVodPlayInfo decoded with the struct tcpicli generated from a live answer
// (vod/DescribeVodPlayInfo.go), CreateVodTags / DeleteVodTags, TaskStatusStat, GetTaskListByFileId.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClip } from '../../emulator/media/fixtures';
import { uploadFile, waitTask } from './helpers';

type Callback = (error: Error | null, body: Record<string, any>) => void;
const Ctor = createRequire(import.meta.url)('qcloudapi-sdk') as new (
  d: Record<string, unknown>,
) => { request(data: Record<string, unknown>, opts: Record<string, unknown>, cb: Callback): void };

const int64 = z.number().int();
const describeVodPlayInfoResp = z.object({
  code: int64,
  codeDesc: z.string(),
  message: z.string(),
  totalCount: int64,
  fileSet: z.array(
    z.object({
      duration: int64,
      fileId: z.string(),
      fileName: z.string(),
      imageUrl: z.string(),
      status: z.string(),
      playSet: z.array(z.object({ definition: z.string(), url: z.string(), vbitrate: int64, vheight: int64, vwidth: int64 })),
    }),
  ),
});

let emu: RunningEmulator;
let fileA: string;
let fileB: string;
beforeAll(async () => {
  emu = await startEmulator({ env: false, log: false });
  fileA = (await uploadFile(emu.endpoint, randomBytes(3000), 'holiday-beach.mp4')).fileId;
  fileB = (await uploadFile(emu.endpoint, randomBytes(3000), 'holiday-snow.mp4')).fileId;
  await uploadFile(emu.endpoint, randomBytes(3000), 'work.mp4');
});
afterAll(() => emu?.close());

const sdk = (data: Record<string, unknown>) =>
  new Promise<Record<string, any>>((resolve, reject) =>
    new Ctor({ SecretId: DEV_ACCOUNT.secretId, SecretKey: DEV_ACCOUNT.secretKey, Region: 'gz', serviceType: 'vod' }).request(
      data,
      { host: new URL(emu.url).host, protocol: 'http', path: '/v2/index.php', method: 'GET' },
      (e, b) => (e ? reject(e) : resolve(b)),
    ),
  );

describe('DescribeVodPlayInfo', () => {
  it('finds files by name prefix, in the live response types, paged', async () => {
    const all = describeVodPlayInfoResp.parse(await sdk({ Action: 'DescribeVodPlayInfo', fileName: 'holiday' }));
    expect(all.totalCount).toBe(2);
    expect(all.fileSet.map((f) => f.fileId).sort()).toEqual([fileA, fileB].sort());
    expect(all.fileSet[0]!.playSet[0]).toMatchObject({ definition: '0', url: expect.stringContaining('/f0.mp4') });
    const page = describeVodPlayInfoResp.parse(await sdk({ Action: 'DescribeVodPlayInfo', fileName: 'holiday', pageNo: 2, pageSize: 1 }));
    expect([page.totalCount, page.fileSet.length]).toEqual([2, 1]);
    expect((await sdk({ Action: 'DescribeVodPlayInfo', fileName: 'nothing' })).fileSet).toEqual([]);
    expect(await sdk({ Action: 'DescribeVodPlayInfo' })).toMatchObject({ code: 4000, message: expect.stringContaining('fileName') });
  });
});

describe('CreateVodTags / DeleteVodTags', () => {
  it('add and remove tags (1-based tags.n as in the doc), checked against GetVideoInfo', async () => {
    expect(await sdk({ Action: 'CreateVodTags', fileId: fileA, 'tags.1': '海边', 'tags.2': 'sun2017' })).toMatchObject({ code: 0 });
    expect(await sdk({ Action: 'CreateVodTags', fileId: fileA, 'tags.1': 'sun2017' })).toMatchObject({ code: 0 });
    expect((await sdk({ Action: 'GetVideoInfo', fileId: fileA, 'infoFilter.0': 'basicInfo' })).basicInfo.tags).toEqual(['海边', 'sun2017']);
    expect(await sdk({ Action: 'DeleteVodTags', fileId: fileA, 'tags.1': '海边' })).toMatchObject({ code: 0 });
    expect((await sdk({ Action: 'GetVideoInfo', fileId: fileA, 'infoFilter.0': 'basicInfo' })).basicInfo.tags).toEqual(['sun2017']);
  });

  it('refuse a bad tag, no tags and an unknown file', async () => {
    expect(await sdk({ Action: 'CreateVodTags', fileId: fileA, 'tags.1': 'far-too-long-tag' })).toMatchObject({
      code: 4000,
      message: expect.stringContaining('tag'),
    });
    expect(await sdk({ Action: 'CreateVodTags', fileId: fileA })).toMatchObject({ code: 4000, message: expect.stringContaining('tags') });
    expect(await sdk({ Action: 'DeleteVodTags', fileId: '123', 'tags.1': 'a' })).toMatchObject({ code: 10008 });
  });
});

describe('TaskStatusStat and GetTaskListByFileId', () => {
  it('count tasks by status and list a file’s tasks', async () => {
    const convert = await sdk({ Action: 'ConvertVodFile', fileId: fileB });
    expect(convert.code).toBe(0);
    const stat = await sdk({ Action: 'TaskStatusStat' });
    expect(stat.data.map((d: { status: string }) => d.status)).toEqual(['WAITING', 'PROCESSING', 'FINISH']);
    expect(stat.data.reduce((n: number, d: { totalCount: number }) => n + d.totalCount, 0)).toBeGreaterThanOrEqual(1);
    const one = await sdk({ Action: 'TaskStatusStat', status: 'FINISH' });
    expect(one.data).toHaveLength(1);

    const list = await sdk({ Action: 'GetTaskListByFileId', fileId: fileB });
    expect(list).toMatchObject({ code: 0, next: '' });
    expect(list.procedureList).toEqual([
      expect.objectContaining({
        vodTaskId: convert.vodTaskId,
        type: 'transcode',
        createTime: expect.any(Number),
        updateTime: expect.any(Number),
      }),
    ]);
    expect((await sdk({ Action: 'GetTaskListByFileId', fileId: fileA })).procedureList).toEqual([]);
    expect(await sdk({ Action: 'GetTaskListByFileId' })).toMatchObject({ code: 4000, message: expect.stringContaining('fileId') });
    expect(await sdk({ Action: 'GetTaskListByFileId', fileId: fileB, status: 'Done' })).toMatchObject({ code: 4000 });
  });
});

describe('ProcessFileByProcedure and DescribeVodCover', () => {
  it('runs a QCVB_SimpleProcessFile preset as a procedure, and refuses an unknown one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-procedure-'));
    try {
      const clip = await makeClip({ path: join(dir, 'c.mp4'), seconds: 1, width: 160, height: 120 });
      const { fileId } = await uploadFile(emu.endpoint, readFileSync(clip), 'c.mp4');
      const started = await sdk({ Action: 'ProcessFileByProcedure', fileId, procedure: 'QCVB_SimpleProcessFile({10},0,10,10)' });
      expect(started).toMatchObject({ code: 0, vodTaskId: expect.stringContaining('-Procedure-') });
      const done = await waitTask(emu.endpoint, started.vodTaskId, 60_000);
      expect(done.data.processTaskList.map((t: { taskType: string; status: string }) => `${t.taskType}:${t.status}`)).toEqual([
        'Transcode:SUCCESS',
        'SampleSnapshot:SUCCESS',
        'CoverBySnapshot:SUCCESS',
      ]);

      // DescribeVodCover: one of the file's own screenshots becomes the cover; anything else is refused.
      const info = await sdk({ Action: 'GetVideoInfo', fileId });
      const shot = info.sampleSnapshotInfo.sampleSnapshotList[0].imageUrls[0] as string;
      expect(shot).not.toBe(info.basicInfo.coverUrl);
      expect(await sdk({ Action: 'DescribeVodCover', fileId, type: 1, para: shot })).toMatchObject({ code: 0 });
      expect((await sdk({ Action: 'GetVideoInfo', fileId, 'infoFilter.0': 'basicInfo' })).basicInfo.coverUrl).toBe(shot);
      expect(await sdk({ Action: 'DescribeVodCover', fileId, type: 1, para: 'http://example.com/x.jpg' })).toMatchObject({
        code: 4000,
        message: expect.stringContaining('para'),
      });
      expect(await sdk({ Action: 'DescribeVodCover', fileId, type: 1, para: shot.replace(fileId, fileA) })).toMatchObject({ code: 4000 });
      expect(await sdk({ Action: 'DescribeVodCover', fileId, para: shot })).toMatchObject({
        code: 4000,
        message: expect.stringContaining('type'),
      });
      expect(await sdk({ Action: 'ProcessFileByProcedure', fileId, procedure: 'MyOwnFlow' })).toMatchObject({
        code: 4000,
        message: expect.stringContaining('procedure'),
      });
      expect(await sdk({ Action: 'ProcessFileByProcedure', fileId })).toMatchObject({
        code: 4000,
        message: expect.stringContaining('procedure'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
