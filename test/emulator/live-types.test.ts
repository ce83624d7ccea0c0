// A 2.5 s, 29.97 fps clip (neither a whole second nor a whole frame rate) through ProcessFile, read
// back with the response structs tcpicli generated from live answers in 2017-12 (vod/GetVideoInfo.go,
// vod/GetTaskInfo.go): every `int64` there is decoded here as Go's encoding/json would — a JSON
// number with a fraction is a decode error. Also hlsMasterPlaylist=1 (definition 10000).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { makeClip } from '../../emulator/media/fixtures';
import { api, startReceiver, uploadFile, waitTask, type Receiver } from './helpers';

/** Go's int64 from JSON: an integral number. */
const int64 = z.number().int();
const audioStream = z.object({ bitrate: int64, codec: z.string(), samplingRate: int64 });
const videoStream = z.object({ bitrate: int64, codec: z.string(), fps: int64, height: int64, width: int64 });
const metaData = z.object({
  audioStreamList: z.array(audioStream),
  bitrate: int64,
  container: z.string(),
  duration: int64,
  height: int64,
  md5: z.string(),
  size: int64,
  videoStreamList: z.array(videoStream),
  width: int64,
});
// tcpicli vod/GetVideoInfo.go GetVideoInfoResp (the parts this test reads).
const getVideoInfoResp = z.object({
  code: int64,
  codeDesc: z.string(),
  message: z.string(),
  basicInfo: z.object({
    classificationId: int64,
    createTime: int64,
    duration: int64,
    expireTime: int64,
    playerId: int64,
    size: int64,
    updateTime: int64,
    name: z.string(),
    status: z.string(),
    type: z.string(),
  }),
  metaData,
  transcodeInfo: z.object({ transcodeList: z.array(metaData.extend({ definition: int64, url: z.string() })) }),
});
// tcpicli vod/GetTaskInfo.go GetTaskInfoResp.
const getTaskInfoResp = z.object({
  beginProcessTime: int64,
  code: int64,
  codeDesc: z.string(),
  createTime: int64,
  finishTime: int64,
  message: z.string(),
  status: z.string(),
  type: z.string(),
  data: z.object({
    dstUrl: z.string(),
    errCode: int64,
    fileId: z.string(),
    message: z.string(),
    metaData,
    processTaskList: z.unknown(),
    status: z.string(),
    userSubTaskId: z.string(),
    userTaskId: z.string(),
    vodTaskId: z.string(),
  }),
});
// Sub-task outputs per the ProcedureStateChanged doc (reference §4.7.4), numbers as in metaData.
const transcodeOutput = metaData.extend({ url: z.string() });

let emu: RunningEmulator;
let receiver: Receiver;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emu-live-types-'));
  receiver = await startReceiver();
  emu = await startEmulator({ callbackUrl: receiver.url, callbackMode: 'http', env: false, log: false });
});
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live integer types and the HLS master playlist', () => {
  it('GetVideoInfo, GetTaskInfo, sub-task outputs and the event decode as tcpicli’s int64 structs', async () => {
    const clip = await makeClip({ path: join(dir, 'ntsc.mp4'), seconds: 2.5, width: 320, height: 240, fps: 30000 / 1001 });
    const { fileId } = await uploadFile(emu.endpoint, readFileSync(clip), 'ntsc.mp4');
    const started = await api(emu.endpoint, 'ProcessFile', { fileId, transcode: { definition: [10, 210, 220], hlsMasterPlaylist: 1 } });
    expect(started.code).toBe(0);
    const task = await waitTask(emu.endpoint, started.vodTaskId, 90_000);

    const taskInfo = getTaskInfoResp.parse(task);
    expect(taskInfo.data.errCode).toBe(0);
    // The source really is fractional: rounded, not truncated to 0 or sent as 2.5025.
    expect(taskInfo.data.metaData.duration).toBe(3);
    expect(taskInfo.data.metaData.videoStreamList[0]!.fps).toBe(30);
    for (const sub of task.data.processTaskList as Array<{ taskType: string; status: string; output: unknown }>) {
      expect(sub.status).toBe('SUCCESS');
      transcodeOutput.parse(sub.output);
    }

    const info = getVideoInfoResp.parse(await api(emu.endpoint, 'GetVideoInfo', { fileId }));
    expect(info.basicInfo.duration).toBe(3);
    expect(info.metaData.duration).toBe(3);
    const definitions = info.transcodeInfo.transcodeList.map((t) => t.definition);
    expect(definitions).toEqual([10, 210, 220, 10000]);

    const event = await receiver.waitFor((b) => b.eventType === 'ProcedureStateChanged' && b.data.vodTaskId === started.vodTaskId);
    metaData.parse(event.data.metaData);
    for (const sub of event.data.processTaskList) transcodeOutput.parse(sub.output);
  }, 120_000);

  it('definition 10000 is a master playlist over the HLS definitions, served and playable', async () => {
    const clip = await makeClip({ path: join(dir, 'short.mp4'), seconds: 1, width: 320, height: 240 });
    const { fileId } = await uploadFile(emu.endpoint, readFileSync(clip), 'short.mp4');
    const started = await api(emu.endpoint, 'ProcessFile', { fileId, transcode: { definition: [210, 220, 20], hlsMasterPlaylist: 1 } });
    await waitTask(emu.endpoint, started.vodTaskId, 90_000);
    const { transcodeInfo } = await api(emu.endpoint, 'GetVideoInfo', { fileId, infoFilter: ['transcodeInfo'] });
    const byDefinition = new Map<number, { url: string; container: string }>(
      transcodeInfo.transcodeList.map((t: { definition: number }) => [t.definition, t]),
    );
    const master = byDefinition.get(10000)!;
    expect(master.url).toBe(`${emu.url}/vod1250000000/${fileId}/master_playlist.m3u8`);
    expect(master.container).toBe('hls,applehttp');
    const text = await (await fetch(master.url)).text();
    expect(text.startsWith('#EXTM3U\n')).toBe(true);
    // Exactly the two HLS variants (not the mp4), each fetchable relative to the master.
    const variants = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(variants).toHaveLength(2);
    expect(text.match(/#EXT-X-STREAM-INF:BANDWIDTH=\d+,RESOLUTION=\d+x\d+/g)).toHaveLength(2);
    for (const v of variants) {
      const url = new URL(v, master.url).href;
      expect([byDefinition.get(210)!.url, byDefinition.get(220)!.url]).toContain(url);
      expect((await fetch(url)).status).toBe(200);
    }
    // Without the flag, no master playlist.
    const other = await makeClip({ path: join(dir, 'other.mp4'), seconds: 1, width: 160, height: 120 });
    const second = await uploadFile(emu.endpoint, readFileSync(other), 'other.mp4');
    const plain = await api(emu.endpoint, 'ProcessFile', { fileId: second.fileId, transcode: { definition: [210] } });
    await waitTask(emu.endpoint, plain.vodTaskId, 60_000);
    const after = await api(emu.endpoint, 'GetVideoInfo', { fileId: second.fileId, infoFilter: ['transcodeInfo'] });
    expect(after.transcodeInfo.transcodeList.map((t: { definition: number }) => t.definition)).toEqual([210]);
  }, 120_000);
});
