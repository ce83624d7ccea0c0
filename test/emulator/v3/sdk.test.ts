// Tencent's official Node SDK for VOD 3.0 (tencentcloud-sdk-nodejs-vod, v20180717) against the
// emulator, unchanged but for the transport: an http.Agent that connects to the emulator's
// loopback port while the endpoint and the signed Host stay vod.tencentcloudapi.com. Real media:
// a generated clip and broken files, whose 3.0 failure codes must match what they really are.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vod } from 'tencentcloud-sdk-nodejs-vod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../../emulator';
import { makeBroken, makeClip } from '../../../emulator/media/fixtures';
import { VodApiError } from '../../../lib/vod/client/errors';
import { putObject } from '../../../lib/vod/v3/storage';
import { sign3 } from '../../../lib/vod/v3/sign';
import { api, startFileServer } from '../helpers';

type SdkClient = InstanceType<typeof vod.v20180717.Client>;
const HOST = 'vod.tencentcloudapi.com';

function sdkClient(port: number, secretKey: string = DEV_ACCOUNT.secretKey): SdkClient {
  // Every connection goes to the emulator; URL, Host header and signature are the real service's.
  const agent = new Agent({ keepAlive: false });
  (agent as unknown as { createConnection: () => ReturnType<typeof connect> }).createConnection = () => connect(port, '127.0.0.1');
  return new vod.v20180717.Client({
    credential: { secretId: DEV_ACCOUNT.secretId, secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint: HOST, protocol: 'http://', agent, reqTimeout: 30 } },
  });
}

async function waitFinish(sdk: SdkClient, TaskId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await sdk.DescribeTaskDetail({ TaskId });
    if (d.Status === 'FINISH') return d;
    if (Date.now() > deadline) throw new Error(`${TaskId} still ${d.Status}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('official VOD 3.0 SDK against the emulator', () => {
  let emu: RunningEmulator;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let sdk: SdkClient;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emu-v3-'));
    const clip = await makeClip({ path: join(dir, 'clip.mp4'), seconds: 1, width: 320, height: 240 });
    const audioOnly = await makeBroken('audio-only', join(dir, 'audio.mp4'), clip);
    const garbage = await makeBroken('garbage', join(dir, 'garbage.mp4'));
    files = await startFileServer({
      '/clip.mp4': readFileSync(clip),
      '/audio.mp4': readFileSync(audioOnly),
      '/garbage.mp4': readFileSync(garbage),
    });
    emu = await startEmulator({ callbackMode: 'reliable', env: false, log: false, pullEventHoldMs: 200 });
    port = Number(new URL(emu.url).port);
    sdk = sdkClient(port);
  }, 60_000);
  afterAll(async () => {
    await emu?.close();
    await files?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let fileId = '';

  it('DescribeAllClass lists the default class', async () => {
    const res = await sdk.DescribeAllClass({});
    expect(res.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.ClassInfoSet?.[0]).toMatchObject({ ClassId: 0, ParentId: -1, Level: 0 });
  });

  it('PullUpload → DescribeTaskDetail → ProcessMedia with 3.0 presets → DescribeMediaInfos', async () => {
    const pulled = await sdk.PullUpload({ MediaUrl: `${files.url}/clip.mp4`, MediaName: 'clip' });
    const pull = await waitFinish(sdk, pulled.TaskId!);
    expect(pull.TaskType).toBe('PullUpload');
    expect(pull.PullUploadTask).toMatchObject({ Status: 'FINISH', ErrCode: 0 });
    fileId = pull.PullUploadTask!.FileId!;
    expect(fileId).toMatch(/^\d+$/);

    const started = await sdk.ProcessMedia({
      FileId: fileId,
      MediaProcessTask: {
        TranscodeTaskSet: [{ Definition: 100020 }, { Definition: 100210 }],
        CoverBySnapshotTaskSet: [{ Definition: 10, PositionType: 'Percent', PositionValue: 50 }],
      },
    });
    const done = await waitFinish(sdk, started.TaskId!);
    expect(done.TaskType).toBe('Procedure');
    const results = done.ProcedureTask!.MediaProcessResultSet!;
    expect(results.map((r) => r.Type)).toEqual(['Transcode', 'Transcode', 'CoverBySnapshot']);
    for (const r of results) expect((r.TranscodeTask ?? r.CoverBySnapshotTask)!).toMatchObject({ Status: 'SUCCESS', ErrCodeExt: '' });
    expect(results[2]!.CoverBySnapshotTask!.Output!.CoverUrl).toMatch(/\.jpg$/);

    const info = await sdk.DescribeMediaInfos({ FileIds: [fileId, '999'] });
    expect(info.NotExistFileIdSet).toEqual(['999']);
    const media = info.MediaInfoSet![0]!;
    expect(media.TranscodeInfo!.TranscodeSet!.map((t) => t.Definition)).toEqual([0, 100020, 100210]);
    const sd = media.TranscodeInfo!.TranscodeSet!.find((t) => t.Definition === 100020)!;
    const res = await fetch(sd.Url!);
    expect(res.status).toBe(200);
    expect(media.BasicInfo!.CoverUrl).toBe(results[2]!.CoverBySnapshotTask!.Output!.CoverUrl);
    // The same file through API 2.0: one store, the same renditions and sizes.
    const v2 = await api(emu.endpoint, 'DescribeVodPlayUrls', { fileId });
    expect(v2.playSet.map((p: { definition: number }) => p.definition)).toEqual([0, 100020, 100210]);
    const v2sd = v2.playSet.find((p: { definition: number }) => p.definition === 100020);
    expect(sd.Height).toBeGreaterThan(0);
    expect([sd.Url, sd.Width, sd.Height]).toEqual([v2sd.url, v2sd.vwidth, v2sd.vheight]);
  }, 120_000);

  it('PullEvents delivers 3.0 EventContent; ConfirmEvents takes the handles', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 10 && !seen.includes('ProcedureStateChanged'); i++) {
      const { EventSet } = await sdk.PullEvents({});
      if (!EventSet?.length) continue;
      for (const e of EventSet) {
        seen.push(e.EventType!);
        expect(e.EventHandle).toBeTruthy();
        if (e.EventType === 'ProcedureStateChanged')
          expect(e.ProcedureStateChangeEvent).toMatchObject({ Status: 'FINISH', FileId: fileId });
        if (e.EventType === 'PullComplete') expect(e.PullCompleteEvent).toMatchObject({ Status: 'FINISH', ErrCode: 0, FileId: fileId });
      }
      await sdk.ConfirmEvents({ EventHandles: EventSet.map((e) => e.EventHandle!) });
    }
    expect(seen).toContain('PullComplete');
    expect(seen).toContain('ProcedureStateChanged');
  }, 30_000);

  it('ApplyUpload → COS-signed PUT → CommitUpload; the file is visible to API 2.0', async () => {
    const bytes = readFileSync(join(dir, 'clip.mp4'));
    const applied = await sdk.ApplyUpload({ MediaType: 'mp4', MediaName: 'pushed' });
    const cert = applied.TempCertificate!;
    await putObject({
      bucket: applied.StorageBucket!,
      region: applied.StorageRegion!,
      key: applied.MediaStoragePath!,
      credentials: { secretId: cert.SecretId!, secretKey: cert.SecretKey!, token: cert.Token! },
      body: bytes,
      size: bytes.length,
      storageEndpoint: `${emu.url}/cos`,
    });
    const committed = await sdk.CommitUpload({ VodSessionKey: applied.VodSessionKey! });
    expect(committed.FileId).toMatch(/^\d+$/);
    expect((await fetch(committed.MediaUrl!)).status).toBe(200);
    const v2 = await api(emu.endpoint, 'GetVideoInfo', { fileId: committed.FileId!, infoFilter: ['basicInfo'] });
    expect(v2.code).toBe(0);
    expect(v2.basicInfo.name).toBe('pushed');
    // A wrong storage key is refused by the storage step.
    await expect(
      putObject({
        bucket: applied.StorageBucket!,
        region: 'x',
        key: applied.MediaStoragePath!,
        credentials: { secretId: cert.SecretId!, secretKey: 'wrong' },
        body: bytes,
        size: bytes.length,
        storageEndpoint: `${emu.url}/cos`,
      }),
    ).rejects.toThrow(/404|403/);
    // COS's refusal is an answer, classified with COS's own code (before: a transport error,
    // redelivered until the job went 'stalled').
    const again = await sdk.ApplyUpload({ MediaType: 'mp4', MediaName: 'refused' });
    const refused = await putObject({
      bucket: again.StorageBucket!,
      region: again.StorageRegion!,
      key: again.MediaStoragePath!,
      credentials: { secretId: again.TempCertificate!.SecretId!, secretKey: 'wrong', token: again.TempCertificate!.Token! },
      body: bytes,
      size: bytes.length,
      storageEndpoint: `${emu.url}/cos`,
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(VodApiError);
    expect(refused).toMatchObject({ code: 'CosError.SignatureDoesNotMatch', classification: { known: false, category: 'unknown' } });
    expect((refused as VodApiError).apiMessage).toMatch(/^COS refused the upload \(HTTP 403 SignatureDoesNotMatch\)/);
  });

  it.each([
    ['audio.mp4', 'SourceFileError.NoVideoMedia'],
    ['garbage.mp4', 'SourceFileError.ContentMalformed'],
  ])(
    'broken media %s fails with %s',
    async (name, code) => {
      const pulled = await sdk.PullUpload({ MediaUrl: `${files.url}/${name}` });
      const pull = await waitFinish(sdk, pulled.TaskId!);
      const started = await sdk.ProcessMedia({
        FileId: pull.PullUploadTask!.FileId!,
        MediaProcessTask: { TranscodeTaskSet: [{ Definition: 100020 }] },
      });
      const done = await waitFinish(sdk, started.TaskId!);
      const t = done.ProcedureTask!.MediaProcessResultSet![0]!.TranscodeTask!;
      expect(t.Status).toBe('FAIL');
      expect(t.ErrCodeExt).toBe(code);
      expect(t.ErrCode).toBe(60000);
      expect(t.Message).toBeTruthy();
    },
    60_000,
  );

  it('API errors arrive as SDK exceptions with the 3.0 code and RequestId', async () => {
    await expect(sdk.DescribeTaskDetail({ TaskId: 'no-such-task' })).rejects.toMatchObject({ code: 'InvalidParameterValue.TaskId' });
    await expect(
      sdk.ProcessMedia({ FileId: '123', MediaProcessTask: { TranscodeTaskSet: [{ Definition: 100020 }] } }),
    ).rejects.toMatchObject({ code: 'InvalidParameterValue.FileId' });
    await expect(sdkClient(port, 'wrong-key').DescribeAllClass({})).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
    await expect(sdk.ApplyUpload({ MediaType: 'mp4', SubAppId: 42 })).rejects.toMatchObject({ code: 'InvalidParameterValue.SubAppId' });
  });

  it('refuses a timestamp outside the 5-minute window', async () => {
    const payload = '{}';
    const timestamp = Math.floor(Date.now() / 1000) - 600;
    const { authorization } = sign3({
      secretId: DEV_ACCOUNT.secretId,
      secretKey: DEV_ACCOUNT.secretKey,
      timestamp,
      method: 'POST',
      headers: new Map([
        ['content-type', 'application/json'],
        ['host', HOST],
      ]),
      payload,
    });
    const res = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: {
        authorization,
        'content-type': 'application/json',
        'x-tc-action': 'DescribeAllClass',
        'x-tc-version': '2018-07-17',
        'x-tc-timestamp': String(timestamp),
        host: HOST,
      },
      body: payload,
    });
    const body = (await res.json()) as { Response: { Error?: { Code: string }; RequestId: string } };
    expect(res.status).toBe(200);
    expect(body.Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
    expect(body.Response.RequestId).toBeTruthy();
  });
});
