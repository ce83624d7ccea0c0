// Reliable events (PullEvent long poll, ConfirmEvent, redelivery), tasks (GetTaskList, RedoTask,
// DeleteVodFile cancelling), and fault injection (call faults with a seed, failStep).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../lib/vod/signer';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { makeClip } from '../../emulator/media/fixtures';
import { api, uploadFile, waitTask, type Json } from './helpers';

let emu: RunningEmulator;
let dir: string;
let fileId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emu-events-'));
  emu = await startEmulator({ env: false, log: false, callbackMode: 'reliable', pullEventHoldMs: 300, eventRedeliveryMs: 900 });
  const clip = await makeClip({ path: join(dir, 'c.mp4'), seconds: 1, width: 160, height: 120 });
  ({ fileId } = await uploadFile(emu.endpoint, readFileSync(clip), 'c.mp4'));
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

const pull = (): Promise<Json> => api(emu.endpoint, 'PullEvent');

describe('reliable events', () => {
  it('long-polls, redelivers unconfirmed events, and forgets confirmed ones', async () => {
    const first = await pull();
    expect(first.code).toBe(0);
    expect(first.eventList.map((e: Json) => e.eventContent.eventType)).toEqual(['NewFileUpload']);
    const [event] = first.eventList;
    expect(event.eventContent).toMatchObject({ version: '4.0', data: { fileId, sourceType: 'ServerUpload' } });
    const t0 = Date.now();
    expect((await pull()).eventList).toEqual([]); // hidden for 900 ms; the poll is held 300 ms
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await new Promise((r) => setTimeout(r, 950 - (Date.now() - t0)));
    const again = await pull();
    expect(again.eventList.map((e: Json) => e.msgHandle)).toEqual([event.msgHandle]);
    expect((await api(emu.endpoint, 'ConfirmEvent', { msgHandle: { 1: event.msgHandle } })).code).toBe(0);
    await new Promise((r) => setTimeout(r, 950));
    expect((await pull()).eventList).toEqual([]);
    expect((await api(emu.endpoint, 'ConfirmEvent')).code).toBe(4000);
  });

  it('delivers task events through PullEvent', async () => {
    const { vodTaskId } = await api(emu.endpoint, 'CreateSnapshotByTimeOffset', { fileId, definition: 10, timeOffset: [0, 500, 60_000] });
    let done: Json | undefined;
    for (let i = 0; i < 50 && !done; i++) done = (await pull()).eventList.find((e: Json) => e.eventContent.data.vodTaskId === vodTaskId);
    expect(done!.eventContent.eventType).toBe('CreateSnapshotByTimeOffsetComplete');
    expect(done!.eventContent.data.picInfo).toHaveLength(3);
    expect(done!.eventContent.data.picInfo[0]).toMatchObject({ timeOffset: 0, status: 0, url: expect.stringMatching(/\.jpg$/) });
    expect(done!.eventContent.data.picInfo[2]).toMatchObject({ timeOffset: 60_000, status: -46204 });
    await api(emu.endpoint, 'ConfirmEvent', { msgHandle: [done!.msgHandle] });
  });
});

describe('tasks', () => {
  it('lists tasks, redoes a finished task under the same id, refuses unknown ids', async () => {
    const { vodTaskId } = await api(emu.endpoint, 'CreateImageSprite', { fileId, definition: 10 });
    const done = await waitTask(emu.endpoint, vodTaskId);
    expect(done).toMatchObject({ type: 'imageSprite', data: { status: 0, totalCount: expect.any(Number) } });
    const list = await api(emu.endpoint, 'GetTaskList', { status: 'FINISH', fileId, maxCount: 10 });
    expect(list.data.taskList.map((t: Json) => t.vodTaskId)).toContain(vodTaskId);
    expect((await api(emu.endpoint, 'RedoTask', { vodTaskId })).code).toBe(0);
    const redone = await waitTask(emu.endpoint, vodTaskId);
    expect(redone.finishTime).toBeGreaterThanOrEqual(done.finishTime);
    expect((await api(emu.endpoint, 'GetTaskInfo', { vodTaskId: 'nope' })).code).toBe(70014);
    expect((await api(emu.endpoint, 'RedoTask', { vodTaskId: 'nope' })).code).toBe(10026);
  });

  it('fails a chosen step with a chosen code, once', async () => {
    emu.setFaults({ failStep: { taskType: 'Transcode', code: -49101, times: 1 } });
    const failed = await waitTask(
      emu.endpoint,
      (await api(emu.endpoint, 'ProcessFile', { fileId, transcode: { definition: [10] } })).vodTaskId,
    );
    expect(failed.data).toMatchObject({ errCode: -49101, processTaskList: [{ status: 'FAIL', errCode: -49101 }] });
    const ok = await waitTask(
      emu.endpoint,
      (await api(emu.endpoint, 'ProcessFile', { fileId, transcode: { definition: [10] } })).vodTaskId,
    );
    expect(ok.data.errCode).toBe(0);
    expect(emu.stats().faultsInjected.failStep).toBe(1);
    emu.setFaults({});
  });

  it('DeleteVodFile removes the media, answers 10008 afterwards and emits FileDeleted', async () => {
    const clip = await makeClip({ path: join(dir, 'd.mp4'), seconds: 1, width: 160, height: 120 });
    const { fileId: doomed, url } = await uploadFile(emu.endpoint, readFileSync(clip), 'd.mp4');
    const { vodTaskId } = await api(emu.endpoint, 'ProcessFile', { fileId: doomed, transcode: { definition: [10, 20] } });
    expect((await api(emu.endpoint, 'DeleteVodFile', { fileId: doomed, priority: 0 })).code).toBe(0);
    expect((await fetch(url)).status).toBe(404);
    expect((await api(emu.endpoint, 'GetVideoInfo', { fileId: doomed })).code).toBe(10008);
    const task = await waitTask(emu.endpoint, vodTaskId);
    expect([0, 10008]).toContain(task.data.errCode);
    let deleted: Json | undefined;
    for (let i = 0; i < 5 && !deleted; i++)
      deleted = (await pull()).eventList.find((e: Json) => e.eventContent.eventType === 'FileDeleted');
    expect(deleted?.eventContent.data).toEqual({ status: 0, message: '', fileInfo: [{ fileId: doomed }] });
  });
});

describe('call faults', () => {
  it('answers 6000, 503 or drops the connection as configured, reproducibly', async () => {
    emu.setFaults({ seed: 7, error6000: 1, actions: ['DescribeClass'] });
    expect((await api(emu.endpoint, 'DescribeClass')).code).toBe(6000);
    expect((await api(emu.endpoint, 'DescribeAllClass')).code).toBe(0);
    emu.setFaults({ http503: 1 });
    expect((await fetch(signRequest({ endpoint: emu.endpoint, action: 'DescribeClass', credentials: DEV_ACCOUNT }).url)).status).toBe(503);
    emu.setFaults({ drop: 1 });
    await expect(api(emu.endpoint, 'DescribeClass')).rejects.toThrow();
    const pattern = async () => {
      emu.setFaults({ seed: 42, error6000: 0.5 });
      const codes = [];
      for (let i = 0; i < 12; i++) codes.push((await api(emu.endpoint, 'DescribeClass')).code);
      return codes;
    };
    const a = await pattern();
    expect(a).toContain(6000);
    expect(a).toContain(0);
    expect(await pattern()).toEqual(a);
    emu.setFaults({});
    const stats = emu.stats();
    expect(stats.faultsInjected.drop).toBe(1);
    expect(stats.codes['503']).toBe(1);
  });
});
