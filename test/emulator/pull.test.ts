// MultiPullVodFile (reference §4.1.6): loopback pulls work; other schemes and private addresses
// are refused before any connection; media URLs honour Range and never leave the file's folder.
import { randomBytes, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { api, startFileServer, startReceiver, waitTask, type Receiver } from './helpers';

let emu: RunningEmulator;
let receiver: Receiver;
let source: Awaited<ReturnType<typeof startFileServer>>;
const video = randomBytes(40_000);

beforeAll(async () => {
  receiver = await startReceiver();
  source = await startFileServer({ '/a.mp4': video, '/big.mp4': randomBytes(70_000) });
  emu = await startEmulator({ env: false, log: false, callbackUrl: receiver.url, callbackMode: 'http', limits: { maxPullBytes: 50_000 } });
});
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
  await source?.close();
});

describe('MultiPullVodFile', () => {
  it('returns file_id and vod_task_id at once, pulls as a task, emits PullComplete', async () => {
    const r = await api(emu.endpoint, 'MultiPullVodFile', {
      pullset: [{ url: `${source.url}/a.mp4`, fileName: 'pulled', fileMd5: createHash('md5').update(video).digest('hex') }],
    });
    expect(r.code).toBe(0);
    const [item] = r.data;
    expect(item).toMatchObject({
      source_url: `${source.url}/a.mp4`,
      file_name: 'pulled',
      file_id: expect.stringMatching(/^\d+$/),
      vod_task_id: expect.stringMatching(/^pull-[0-9a-f]{32}$/),
    });
    const task = await waitTask(emu.endpoint, item.vod_task_id);
    expect(task).toMatchObject({ type: 'pull', data: { status: 0, fileId: item.file_id } });
    expect(task.data.fileUrl).toBe(`${emu.url}/vod1250000000/${item.file_id}/f0.mp4`);
    const event = await receiver.waitFor((b) => b.eventType === 'PullComplete' && b.data.vodTaskId === item.vod_task_id);
    expect(event.data).toEqual(task.data);

    // Range support on the media URL.
    const url = task.data.fileUrl as string;
    const ranged = await fetch(url, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${video.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(video.subarray(10, 20))).toBe(true);
    const suffix = await fetch(url, { headers: { range: 'bytes=-5' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(video.subarray(-5))).toBe(true);
    const beyond = await fetch(url, { headers: { range: `bytes=${video.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${video.length}`);
    for (const evil of ['/../../state.json', '/%2e%2e/%2e%2e/state.json', '/..%2f..%2fstate.json', '/f0.mp4%00.jpg']) {
      expect((await fetch(`${emu.url}/vod1250000000/${item.file_id}${evil}`)).status).toBe(404);
    }
  });

  it('finishes with 10001 when the source fails, is too large, or has another MD5', async () => {
    const r = await api(emu.endpoint, 'MultiPullVodFile', {
      pullset: [
        { url: `${source.url}/missing.mp4`, fileName: 'x' },
        { url: `${source.url}/big.mp4`, fileName: 'y' },
        { url: `${source.url}/a.mp4`, fileName: 'z', fileMd5: '0'.repeat(32) },
      ],
    });
    for (const item of r.data) {
      const task = await waitTask(emu.endpoint, item.vod_task_id);
      expect(task.data.status).toBe(10001);
    }
    // A pull that never finished leaves a file that cannot be processed.
    expect((await api(emu.endpoint, 'ProcessFile', { fileId: r.data[0].file_id, transcode: { definition: [20] } })).code).toBe(10009);
  });

  it('refuses other schemes and private addresses before connecting', async () => {
    const hits = source.hits.length;
    for (const url of [
      'file:///etc/passwd',
      'gopher://127.0.0.1:70/',
      'ftp://127.0.0.1/a',
      'http://10.0.0.1/a.mp4',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:10.0.0.1]/',
      'http://[fd00::1]/',
      'http://0.0.0.0/',
      'http://user:pw@127.0.0.1/',
    ]) {
      const r = await api(emu.endpoint, 'MultiPullVodFile', { pullset: [{ url, fileName: 'x' }] });
      expect(r.code, url).toBe(4000);
      expect(r.message).toMatch(/refused/);
    }
    expect(source.hits.length).toBe(hits);
  });
});
