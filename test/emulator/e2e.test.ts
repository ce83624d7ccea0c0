// End to end inside the emulator: a generated clip uploaded with InitUpload/UploadPart/FinishUpload,
// ProcessFile (definitions 20 and 210 + a cover), GetTaskInfo until FINISH, every playSet URL
// fetched over HTTP and probed at the advertised size; then a broken file, whose procedure ends
// with the seed code in errCode and a ProcedureStateChanged callback.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { createMediaEngine } from '../../emulator/media';
import { makeBroken, makeClip } from '../../emulator/media/fixtures';
import { api, startReceiver, uploadFile, waitTask, type Receiver } from './helpers';

describe('emulator end to end', () => {
  let emu: RunningEmulator;
  let receiver: Receiver;
  let dir: string;
  const engine = createMediaEngine({ concurrency: 2 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emu-e2e-'));
    receiver = await startReceiver();
    emu = await startEmulator({ callbackUrl: receiver.url, callbackMode: 'http', env: false, log: false });
  });
  afterAll(async () => {
    await emu?.close();
    await receiver?.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads, processes and serves playable renditions', async () => {
    const clip = await makeClip({ path: join(dir, 'clip.mp4'), seconds: 1, width: 320, height: 240 });
    const { fileId, url } = await uploadFile(emu.endpoint, readFileSync(clip), 'clip.mp4');
    expect(url).toBe(`${emu.url}/vod1250000000/${fileId}/f0.mp4`);
    await receiver.waitFor((b) => b.eventType === 'NewFileUpload' && b.data.fileId === fileId);

    const started = await api(emu.endpoint, 'ProcessFile', {
      fileId,
      transcode: { definition: [20, 210] },
      coverBySnapshot: { definition: 10, positionType: 'Time', position: 0 },
    });
    expect(started.code).toBe(0);
    expect(started.vodTaskId).toMatch(/^1250000000-Procedure-[0-9a-f]{32}$/);
    const info = await waitTask(emu.endpoint, started.vodTaskId);
    expect(info.type).toBe('procedure');
    expect(info.data.errCode).toBe(0);
    expect(info.data.processTaskList.map((t: { taskType: string; status: string }) => `${t.taskType}:${t.status}`)).toEqual([
      'Transcode:SUCCESS',
      'Transcode:SUCCESS',
      'CoverBySnapshot:SUCCESS',
    ]);

    const { playSet } = await api(emu.endpoint, 'DescribeVodPlayUrls', { fileId });
    expect(playSet.map((p: { definition: number }) => p.definition)).toEqual([0, 20, 210]);
    for (const item of playSet as Array<{ url: string; definition: number; vwidth: number; vheight: number }>) {
      const res = await fetch(item.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(item.url.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp4');
      const name = item.url.split('/').at(-1)!;
      const local = join(dir, name);
      const body = Buffer.from(await res.arrayBuffer());
      writeFileSync(local, body);
      if (name.endsWith('.m3u8')) {
        // Every segment the playlist names is served beside it.
        const segments = body
          .toString('utf8')
          .split('\n')
          .filter((l) => l && !l.startsWith('#'));
        expect(segments.length).toBeGreaterThan(0);
        for (const segment of segments) {
          const seg = await fetch(new URL(segment, item.url));
          expect(seg.headers.get('content-type')).toBe('video/mp2t');
          writeFileSync(join(dir, segment), Buffer.from(await seg.arrayBuffer()));
        }
      }
      const probed = await engine.probeSource(local);
      expect([probed.width, probed.height]).toEqual([item.vwidth, item.vheight]);
    }
    expect(playSet[1].vheight).toBe(240); // SD never upscales a 240p source
    const video = await api(emu.endpoint, 'GetVideoInfo', { fileId, infoFilter: ['basicInfo', 'transcodeInfo'] });
    expect(video.basicInfo.coverUrl).toMatch(new RegExp(`^${emu.url}/vod1250000000/${fileId}/.+\\.jpg$`));
    expect((await fetch(video.basicInfo.coverUrl)).headers.get('content-type')).toBe('image/jpeg');
    expect(video.transcodeInfo.transcodeList).toHaveLength(2);
    expect(video.metaData).toBeUndefined();
    const done = await receiver.waitFor((b) => b.eventType === 'ProcedureStateChanged' && b.data.vodTaskId === started.vodTaskId);
    expect(done.data.status).toBe('FINISH');
  });

  it('finishes a broken file with the seed code in errCode and calls back', async () => {
    const broken = await makeBroken('truncated', join(dir, 'broken.mp4'));
    const { fileId } = await uploadFile(emu.endpoint, readFileSync(broken), 'broken.mp4', 4096);
    const started = await api(emu.endpoint, 'ProcessFile', { fileId, transcode: { definition: [20] }, notifyMode: 'Finish' });
    expect(started.code).toBe(0);
    const info = await waitTask(emu.endpoint, started.vodTaskId);
    expect(info.data.errCode).toBeLessThan(-43000);
    expect(info.data.errCode).toBeGreaterThan(-43100);
    expect(info.data.processTaskList[0]).toMatchObject({ taskType: 'Transcode', status: 'FAIL', errCode: info.data.errCode });
    const cb = await receiver.waitFor((b) => b.eventType === 'ProcedureStateChanged' && b.data.vodTaskId === started.vodTaskId);
    expect(cb).toMatchObject({ version: '4.0', data: { status: 'FINISH', errCode: info.data.errCode, fileId } });
  });
});
