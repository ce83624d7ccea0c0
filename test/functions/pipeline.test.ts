// The whole flow over real protocols: S3 event → ingest → … → one downstream event, against
import '../support/quiet';
// fauxqs, dynalite and the VOD emulator (real ffmpeg) — once per VOD API version (the provider
// seam): the same tests, the same downstream contract, only the codes and preset ids differ.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vodClient } from '../../lib/aws/vod';
import { jobs } from '../../lib/jobs';
import { videoFailedEventV1, videoReadyEventV1 } from '../../lib/events/contracts';
import { resetConfig } from '../../lib/config';
import { putObject } from '../support/s3-notify';
import { lambdaContext, pumpOnce, runUntil } from '../support/stack';
import { installCrashRig } from '../support/crash-points';
import { startHttpApi, type HttpLambda } from '../support/http-api';
import { CALLBACK_TOKEN, startHarness, type Harness } from './harness';

let h: Harness;
let webhookApi: Awaited<ReturnType<typeof startHttpApi>>;
beforeAll(async () => {
  h = await startHarness({ pullEventHoldMs: 200, callbackRetryDelayMs: 100 });
  const webhook = (await import('../../functions/vod-webhook')).handler as unknown as HttpLambda;
  webhookApi = await startHttpApi([{ method: 'POST', path: '/vod/callback/{token}', handler: webhook }]);
});
afterAll(async () => {
  await webhookApi?.close();
  await h?.close();
});
const postCallback = (body: unknown) =>
  fetch(`${webhookApi.url}/vod/callback/${CALLBACK_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const jobIdOf = (key: string) => h.jobIdOf(key);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the job until its procedure's result waits on the result queue, publish-result held back. */
async function holdResult(jobId: string): Promise<void> {
  // The pull's result too goes through publish-result: hold it back only once processing runs.
  await runUntil(h.stack, h.handlers, async () => (await jobs().getJob(jobId))?.status === 'PROCESSING');
  const { result: _held, ...upstream } = h.handlers;
  await runUntil(h.stack, upstream, async () => {
    const attrs = await h.stack.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: h.stack.queueUrl('result'), AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(attrs.Attributes?.ApproximateNumberOfMessages) > 0;
  });
  expect((await jobs().getJob(jobId))!.status).toBe('PROCESSING');
}

const VERSIONS = [
  { api: 'v2', definitions: [10, 210], brokenCode: (code: number | string) => typeof code === 'number' && code < -40000 },
  { api: 'v3', definitions: [100010, 100210], brokenCode: (code: number | string) => code === 'SourceFileError.ContentMalformed' },
] as const;

describe.each(VERSIONS)('pipeline on VOD API $api', ({ api, definitions, brokenCode }) => {
  const env = (extra: Record<string, string> = {}) => {
    h.env({
      VOD_API_VERSION: api,
      VOD_V3_ENDPOINT: h.emu.url,
      VOD_STORAGE_ENDPOINT: `${h.emu.url}/cos`,
      VOD_DEFINITIONS: definitions.join(','),
      ...extra,
    });
    resetConfig();
  };
  beforeAll(() => env());
  /** Puts `name` in pull mode, then in push mode: one video.ready each. */
  const readyInPullAndPush = async (name: string, extra: Record<string, string> = {}) => {
    for (const mode of ['pull', 'push']) {
      env({ UPLOAD_MODE: mode, ...extra });
      try {
        await putObject(h.stack, `${api}/${mode}/${name}`, h.goodClip);
        const jobId = await jobIdOf(`${api}/${mode}/${name}`);
        await h.settle(jobId);
        const job = (await jobs().getJob(jobId))!;
        expect(job.status, `${mode}: ${JSON.stringify(job.error)}`).toBe('SUCCEEDED');
        expect(await h.events()).toHaveLength(1);
      } finally {
        env();
      }
    }
  };
  afterAll(() => {
    h.env();
    resetConfig();
  });

  it('turns a good clip into exactly one video.ready with working URLs (pull mode, polling)', async () => {
    await putObject(h.stack, `${api}/good clip.mp4`, h.goodClip);
    const jobId = await jobIdOf(`${api}/good clip.mp4`);
    await h.settle(jobId);
    const job = (await jobs().getJob(jobId))!;
    expect(job.status).toBe('SUCCEEDED');
    const events = await h.events();
    expect(events).toHaveLength(1);
    const event = videoReadyEventV1.parse(events[0]);
    expect(event.subject).toBe(jobId);
    expect(event.id).toBe(`${jobId}.ready`);
    // Definition 0 is the original, listed by both versions.
    expect(event.data.playSet.map((p) => p.definition)).toEqual([0, ...definitions]);
    for (const p of event.data.playSet) {
      const res = await fetch(p.url);
      expect(res.status, p.url).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect(p.width).toBeGreaterThan(0);
    }
    expect(event.data.coverUrl).toBeTruthy();
    expect((await fetch(event.data.coverUrl!)).status).toBe(200);
  });

  it("turns a broken clip into exactly one video.failed with the version's code, classified", async () => {
    await putObject(h.stack, `${api}/broken.mp4`, h.brokenClip);
    const jobId = await jobIdOf(`${api}/broken.mp4`);
    await h.settle(jobId);
    const events = await h.events();
    expect(events).toHaveLength(1);
    const event = videoFailedEventV1.parse(events[0]);
    expect(brokenCode(event.data.error.code), String(event.data.error.code)).toBe(true);
    expect(event.data.error.retryable).toBe(false);
    expect(event.data.error.stage).toBeTruthy();
    expect(event.data.error.message_en).toBeTruthy();
    expect(event.data.error.action).toBeTruthy();
    expect((await jobs().getJob(jobId))!.error?.code).toBe(event.data.error.code);
  });

  it("throttled task reads (this version's quota answer) wait the quota out: the chain goes on, no DLQ", async () => {
    h.emu.setFaults({ limitExceeded: 1, actions: ['GetTaskInfo', 'DescribeTaskDetail'] });
    const before = h.emu.stats().faultsInjected.limitExceeded ?? 0;
    await putObject(h.stack, `${api}/throttled.mp4`, h.goodClip);
    const jobId = await jobIdOf(`${api}/throttled.mp4`);
    // Two polls of three tries each. A poll that failed on a throttled answer used up one of SQS's
    // five receives, after which the chain's only message went to the DLQ and the job was
    // stranded. (This harness has no redrive policy, so it counts the failed deliveries instead.)
    let failedPolls = 0;
    try {
      const deadline = Date.now() + 60_000;
      while ((h.emu.stats().faultsInjected.limitExceeded ?? 0) - before < 6 && Date.now() < deadline) {
        for (const [short, handler] of Object.entries(h.handlers)) {
          const pumped = await pumpOnce(h.stack, short, handler);
          if (short === 'poll') failedPolls += pumped.failed;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      h.emu.setFaults({});
    }
    await h.settle(jobId, 40_000);
    const job = (await jobs().getJob(jobId))!;
    expect(job.status).toBe('SUCCEEDED');
    expect(job.attempt).toBe(1);
    expect(await h.events()).toHaveLength(1);
    expect(failedPolls).toBe(0);
  });

  it('a macOS "._" metadata file beside a video is skipped, not a job that fails as a damaged video', async () => {
    await putObject(h.stack, `${api}/holiday/._clip.mp4`, Buffer.from('\0\x05\x16\x07\0\x02\0\0Mac OS X        '));
    await putObject(h.stack, `${api}/holiday/clip.mp4`, h.goodClip);
    const video = await jobIdOf(`${api}/holiday/clip.mp4`);
    await h.settle(video);
    expect(await jobs().getJob(await jobIdOf(`${api}/holiday/._clip.mp4`))).toBeUndefined();
    expect((await h.events()).map((e) => [e.type, e.subject])).toEqual([['vodflow.video.ready', video]]);
  });

  it('a file name longer than VOD takes (256) is ready in pull and push mode: the name is cut, the video kept', async () => {
    // Before: on 3.0 the request failed its own check before it was sent (the job went 'stalled'), on 2.0 the pull was refused (4000).
    const name = `${'holiday on the coast, day two — '.repeat(10)}final cut.mp4`;
    expect(name.length).toBeGreaterThan(256);
    await readyInPullAndPush(name);
  });

  it('an extension VIDEO_EXTENSIONS lists but VOD cannot take as a file type (mp4~) is ready in pull and push mode', async () => {
    // Before: a push ended in video.failed on 2.0 (-10003, fileType must be an extension), and on
    // 3.0 ApplyUpload failed its own check (MediaType is [A-Za-z0-9]{1,16}) on every redelivery.
    await readyInPullAndPush('camera backup.mp4~', { VIDEO_EXTENSIONS: 'mp4,mp4~' });
  });

  it.each([0, 2])(
    'a video deleted from VOD before its outputs are read ends in one video.failed saying the file is gone (publish-result killed after write %i; 0: not killed)',
    async (crash) => {
      // Before: publish-result's read failed on every redelivery (2.0: 10008; 3.0: the file in
      // NotExistFileIdSet, a plain error), the message went to the DLQ and the job failed a day later as 'stalled'.
      const key = `${api}/deleted in vod ${crash}.mp4`;
      await putObject(h.stack, key, h.goodClip);
      const jobId = await jobIdOf(key);
      await holdResult(jobId);
      const { fileId } = (await jobs().getJob(jobId))!;
      await (await vodClient()).deleteVodFile({ fileId: fileId! });
      // A crash after the 2nd write (the step's claim, then the send to classify-error): the redelivery
      // finds the file gone again and sends again; classify-error's claim absorbs the copy.
      const rig = installCrashRig();
      try {
        if (crash) rig.plan.set(`result:procedure:${jobId}`, crash);
        const deadline = Date.now() + 45_000;
        const settled = async () => {
          const job = await jobs().getJob(jobId);
          return job?.status === 'FAILED' && (job.eventDeliveredTo ?? []).includes('sqs');
        };
        while (!(await settled()) && Date.now() < deadline) if (!(await rig.pump(h.stack, h.handlers))) await sleep(150);
        if (crash) expect(rig.fired.find((f) => f.jobId === jobId)?.write).toBe('SendMessage');
      } finally {
        rig.uninstall();
      }
      const events = await h.events();
      expect(events).toHaveLength(1);
      const event = videoFailedEventV1.parse(events[0]);
      expect(event.data.error).toMatchObject({
        code: api === 'v2' ? 10008 : 'ResourceNotFound.FileNotExist',
        cause: 'file-not-found',
        retryable: false,
        attempts: 1,
      });
      expect(event.data.error.detail).toContain(`VOD no longer had file ${fileId} when its outputs were read`);
      expect((await jobs().getJob(jobId))!.status).toBe('FAILED');
    },
  );

  it('a read of the outputs VOD answers with an internal error is read again: ready on attempt 1, nothing transcoded twice', async () => {
    // The outputs exist: classifying the error would spend an attempt on a second transcode (or, on
    // the last one, fail a processed video with a false reason).
    await putObject(h.stack, `${api}/outputs read twice.mp4`, h.goodClip);
    const jobId = await jobIdOf(`${api}/outputs read twice.mp4`);
    await holdResult(jobId);
    const processing = () =>
      (h.emu.stats().actions.ProcessFile ?? 0) + (h.emu.stats().actions.ProcessMedia ?? 0) + (h.emu.stats().actions.RedoTask ?? 0);
    const processedBefore = processing();
    h.emu.setFaults({ error6000: 1, actions: ['DescribeVodPlayUrls', 'DescribeMediaInfos'] });
    try {
      expect(await pumpOnce(h.stack, 'result', h.handlers.result!)).toEqual({ received: 1, failed: 1 });
    } finally {
      h.emu.setFaults({});
    }
    await h.settle(jobId);
    const job = (await jobs().getJob(jobId))!;
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    expect(job.attempt).toBe(1);
    expect(processing()).toBe(processedBefore);
    expect(await h.events()).toHaveLength(1);
  });

  it("push mode: the bytes go from S3 through the version's upload into one video.ready", async () => {
    env({ UPLOAD_MODE: 'push' });
    try {
      await putObject(h.stack, `${api}/pushed.mp4`, h.goodClip);
      const jobId = await jobIdOf(`${api}/pushed.mp4`);
      await h.settle(jobId);
      expect((await jobs().getJob(jobId))!.status).toBe('SUCCEEDED');
      const [event] = await h.events();
      expect(videoReadyEventV1.parse(event).data.playSet.map((p) => p.definition)).toEqual([0, ...definitions]);
    } finally {
      env();
    }
  });

  it('push mode: an object overwritten before the upload reads it ends in one video.failed (-3, permanent)', async () => {
    env({ UPLOAD_MODE: 'push' });
    try {
      const key = `${api}/overwritten before push.mp4`;
      await putObject(h.stack, key, h.goodClip);
      const jobId = await jobIdOf(key);
      // Other bytes land before the pipeline runs (their own notification aside): the job's
      // upload asks S3 for its ETag and gets 412. Before, the message was retried into the DLQ
      // and the job failed a day later as "stalled".
      await putObject(h.stack, key, h.brokenClip, false);
      await h.settle(jobId);
      expect((await jobs().getJob(jobId))!.status).toBe('FAILED');
      const events = await h.events();
      expect(events).toHaveLength(1);
      const event = videoFailedEventV1.parse(events[0]);
      expect(event.subject).toBe(jobId);
      expect(event.data.error).toMatchObject({ code: -3, cause: 'source-gone', retryable: false });
      expect(event.data.error.detail).toMatch(/412 PreconditionFailed/);
    } finally {
      env();
    }
  });

  it("HTTP callbacks: the webhook finishes the job (task fetched back) and absorbs this version's replay", async () => {
    env({ POLL_BASE_DELAY_S: '60' });
    h.emu.setCallback(`${webhookApi.url}/vod/callback/${CALLBACK_TOKEN}`, 'http');
    try {
      await putObject(h.stack, `${api}/callback.mp4`, h.goodClip);
      const jobId = await jobIdOf(`${api}/callback.mp4`);
      await h.settle(jobId, 30_000);
      const job = (await jobs().getJob(jobId))!;
      expect(job.status).toBe('SUCCEEDED');
      // The same news again, in this version's own callback format.
      const replay =
        api === 'v2'
          ? {
              version: '4.0',
              eventType: 'ProcedureStateChanged',
              data: { vodTaskId: job.vodTaskId, status: 'FINISH', errCode: 0, message: '', fileId: job.fileId, processTaskList: [] },
            }
          : {
              EventType: 'ProcedureStateChanged',
              ProcedureStateChangeEvent: {
                TaskId: job.vodTaskId,
                Status: 'FINISH',
                ErrCode: 0,
                Message: '',
                FileId: job.fileId,
                MediaProcessResultSet: [],
              },
            };
      const res = await postCallback(replay);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { result: string }).result).toBe('duplicate');
      const bad = await postCallback(
        api === 'v2'
          ? { version: '4.0', eventType: 'PullComplete', data: { status: 'x' } }
          : { EventType: 'PullComplete', PullCompleteEvent: { Status: 'FINISH' } },
      );
      expect(bad.status).toBe(400);
      expect(await h.events()).toHaveLength(1);
    } finally {
      h.emu.setCallback(undefined, 'none');
      env();
    }
  });

  it("reliable callbacks: pull-events drains the version's event queue and finishes the job", async () => {
    env({ POLL_BASE_DELAY_S: '60', PULL_EVENTS_RESERVE_MS: '1000' });
    h.emu.setCallback(undefined, 'reliable');
    const drainEvents = (await import('../../functions/pull-events')).drainEvents;
    try {
      await putObject(h.stack, `${api}/reliable.mp4`, h.goodClip);
      const jobId = await jobIdOf(`${api}/reliable.mp4`);
      await runUntil(
        h.stack,
        h.handlers,
        async () => {
          await drainEvents(lambdaContext('pull-events', 1500));
          const job = await jobs().getJob(jobId);
          return !!job && job.status === 'SUCCEEDED' && (job.eventDeliveredTo ?? []).includes('sqs');
        },
        { timeoutMs: 45_000 },
      );
      expect(await h.events()).toHaveLength(1);
    } finally {
      h.emu.setCallback(undefined, 'none');
      env();
    }
  });
});
