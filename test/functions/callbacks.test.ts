// VOD's two notification modes: HTTP callbacks into vod-webhook (token, zod, signed fetch-back,
// dedupe) and reliable mode through pull-events (PullEvent … ConfirmEvent). Polling is slowed to
// a minute here, so a job that finishes in seconds finished through the notification.
import '../support/quiet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../lib/jobs';
import { resetConfig } from '../../lib/config';
import { putObject } from '../support/s3-notify';
import { runUntil, lambdaContext } from '../support/stack';
import { startHttpApi, type HttpLambda } from '../support/http-api';
import { CALLBACK_TOKEN, startHarness, type Harness } from './harness';

let h: Harness;
let api: Awaited<ReturnType<typeof startHttpApi>>;
let drainEvents: (ctx: { getRemainingTimeInMillis(): number }) => Promise<{ pulled: number; confirmed: number }>;

beforeAll(async () => {
  h = await startHarness({ pullEventHoldMs: 200, callbackRetryDelayMs: 100 });
  h.env({ POLL_BASE_DELAY_S: '60', PULL_EVENTS_RESERVE_MS: '1000' });
  const webhook = (await import('../../functions/vod-webhook')).handler as unknown as HttpLambda;
  drainEvents = (await import('../../functions/pull-events')).drainEvents;
  api = await startHttpApi([{ method: 'POST', path: '/vod/callback/{token}', handler: webhook }]);
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

const jobIdOf = (key: string) => h.jobIdOf(key);
const post = (path: string, body: unknown) =>
  fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('vod-webhook (HTTP callback mode)', () => {
  it('finishes a job from callbacks, confirmed by GetTaskInfo, and absorbs a duplicate callback', async () => {
    h.emu.setCallback(`${api.url}/vod/callback/${CALLBACK_TOKEN}`, 'http');
    const before = h.emu.stats();
    await putObject(h.stack, 'cb/clip.mp4', h.goodClip);
    const jobId = await jobIdOf('cb/clip.mp4');
    await h.settle(jobId, 30_000);
    const job = (await jobs().getJob(jobId))!;
    expect(job.status).toBe('SUCCEEDED');
    const after = h.emu.stats();
    expect(after.callbacksDelivered - before.callbacksDelivered).toBeGreaterThanOrEqual(2); // pull + procedure
    // Every callback was checked against the signed API before it was trusted.
    expect((after.actions.GetTaskInfo ?? 0) - (before.actions.GetTaskInfo ?? 0)).toBeGreaterThanOrEqual(2);

    // VOD retries callbacks: the same news again changes nothing.
    const replay = await post(`/vod/callback/${CALLBACK_TOKEN}`, {
      version: '4.0',
      eventType: 'ProcedureStateChanged',
      data: { vodTaskId: job.vodTaskId, status: 'FINISH', errCode: 0, message: '', fileId: job.fileId, processTaskList: [] },
    });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { result: string }).result).toBe('duplicate');
    await runUntil(h.stack, h.handlers, async () => false, { timeoutMs: 800 }).catch(() => undefined);
    expect(await h.events()).toHaveLength(1);
    h.emu.setCallback(undefined, 'none');
  });

  it('a callback that cannot be confirmed (GetTaskInfo throttled) is confirmed later, not lost', async () => {
    // VOD ignores a callback's answer and does not resend after one: an error answer would lose it.
    h.emu.setCallback(`${api.url}/vod/callback/${CALLBACK_TOKEN}`, 'http');
    h.emu.setFaults({ limitExceeded: 1, actions: ['GetTaskInfo'] });
    const before = h.emu.stats();
    await putObject(h.stack, 'cb/throttled.mp4', h.goodClip);
    const jobId = await jobIdOf('cb/throttled.mp4');
    // Until the pull's callback was delivered (and answered), every GetTaskInfo answers 4400.
    await runUntil(h.stack, h.handlers, async () => h.emu.stats().callbacksDelivered > before.callbacksDelivered, { timeoutMs: 20_000 });
    const throttled = h.emu.stats().faultsInjected.limitExceeded ?? 0;
    expect(throttled - (before.faultsInjected.limitExceeded ?? 0)).toBeGreaterThan(0);
    h.emu.setFaults({});
    const started = Date.now();
    await h.settle(jobId, 40_000);
    const job = (await jobs().getJob(jobId))!;
    expect(job.status).toBe('SUCCEEDED');
    // Polling waits a minute here: the job finished through the queued confirmation, not the chain.
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(job.attempt).toBe(1);
    expect((await h.events()).filter((e) => e.subject === jobId)).toHaveLength(1);
    h.emu.setCallback(undefined, 'none');
  });

  it('rejects a wrong token, names the bad fields, acknowledges unknown types and tasks', async () => {
    expect((await post('/vod/callback/wrong-token', { version: '4.0', eventType: 'NewFileUpload', data: { fileId: '1' } })).status).toBe(
      404,
    );

    const bad = await post(`/vod/callback/${CALLBACK_TOKEN}`, { version: '4.0', eventType: 'PullComplete', data: { status: 'x' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/status/);

    const notJson = await post(`/vod/callback/${CALLBACK_TOKEN}`, '{nope');
    expect(notJson.status).toBe(400);

    const unknownType = await post(`/vod/callback/${CALLBACK_TOKEN}`, { version: '4.0', eventType: 'PornCheckComplete', data: {} });
    expect(unknownType.status).toBe(200);
    expect(((await unknownType.json()) as { result: string }).result).toBe('ignored-type');

    const foreign = await post(`/vod/callback/${CALLBACK_TOKEN}`, {
      version: '4.0',
      eventType: 'ProcedureStateChanged',
      data: { vodTaskId: '1250000000-Procedure-00000000000000000000000000000000', status: 'FINISH', message: '', processTaskList: [] },
    });
    expect(((await foreign.json()) as { result: string }).result).toBe('unknown-task');
  });
});

describe('pull-events (reliable callback mode)', () => {
  it('turns pulled events into the job result and confirms them', async () => {
    h.emu.setCallback(undefined, 'reliable');
    await putObject(h.stack, 'reliable/clip.mp4', h.goodClip);
    const jobId = await jobIdOf('reliable/clip.mp4');
    let confirmed = 0;
    await runUntil(
      h.stack,
      h.handlers,
      async () => {
        confirmed += (await drainEvents(lambdaContext('pull-events', 1500))).confirmed;
        const job = await jobs().getJob(jobId);
        return job?.status === 'SUCCEEDED' && (job.eventDeliveredTo ?? []).includes('sqs');
      },
      { timeoutMs: 40_000 },
    );
    expect(confirmed).toBeGreaterThanOrEqual(2);
    expect(await h.events()).toHaveLength(1);
    h.emu.setCallback(undefined, 'none');
  });

  it.each([
    {
      api: 'v2',
      bad: { version: '4.0', eventType: 'ProcedureStateChanged', data: { vodTaskId: 42, status: 'FINISH' } },
      badIgnored: { version: '4.0', eventType: 'NewFileUpload', data: { fileId: ['42'] } },
    },
    {
      api: 'v3',
      bad: { EventType: 'ProcedureStateChanged', ProcedureStateChangeEvent: { TaskId: 42, Status: 'FINISH' } },
      badIgnored: { EventType: 'NewFileUpload', FileUploadEvent: { FileId: 42 } },
    },
  ])(
    'on API $api, a task event that does not parse is left unconfirmed, another acknowledged; the events beside them are handled',
    async ({ api, bad, badIgnored }) => {
      // Before: one event the schema refused failed the whole PullEvent(s) answer, so no event of its
      // batch was handled or confirmed, run after run, for as long as VOD kept it. One of a type
      // vodflow does not act on is acknowledged, as it would be if it parsed.
      const v3 = { VOD_API_VERSION: 'v3', VOD_V3_ENDPOINT: h.emu.url, VOD_STORAGE_ENDPOINT: `${h.emu.url}/cos`, VOD_DEFINITIONS: '100010' };
      h.env({ POLL_BASE_DELAY_S: '60', PULL_EVENTS_RESERVE_MS: '1000', ...(api === 'v3' ? v3 : {}) });
      resetConfig();
      h.emu.setCallback(undefined, 'reliable');
      try {
        const queuedBefore = h.emu.stats().queuedEvents;
        await putObject(h.stack, `reliable/${api}/beside a bad event.mp4`, h.goodClip);
        const jobId = await jobIdOf(`reliable/${api}/beside a bad event.mp4`);
        // The job's first event (its pull's) is queued; the bad one joins it, so one PullEvent(s) answer holds both.
        await runUntil(h.stack, h.handlers, async () => h.emu.stats().queuedEvents > queuedBefore);
        h.emu.queueEvent(bad);
        h.emu.queueEvent(badIgnored);
        // The first pull holds the job's event and both bad ones: all but the bad one of a type vodflow acts on are confirmed.
        const first = await drainEvents(lambdaContext('pull-events', 1500));
        expect(first.pulled).toBeGreaterThanOrEqual(3);
        expect(first.pulled - first.confirmed).toBe(1);
        let pulled = first.pulled;
        let confirmed = first.confirmed;
        await runUntil(
          h.stack,
          h.handlers,
          async () => {
            const totals = await drainEvents(lambdaContext('pull-events', 1500));
            pulled += totals.pulled;
            confirmed += totals.confirmed;
            const job = await jobs().getJob(jobId);
            return job?.status === 'SUCCEEDED' && (job.eventDeliveredTo ?? []).includes('sqs');
          },
          { timeoutMs: 40_000 },
        );
        // Polls are a minute apart: the job finished through its events, the bad one left unconfirmed.
        expect(confirmed).toBeGreaterThanOrEqual(2);
        expect(pulled).toBeGreaterThan(confirmed);
        expect(await h.events()).toHaveLength(1);
      } finally {
        h.emu.setCallback(undefined, 'none');
        h.env({ POLL_BASE_DELAY_S: '60', PULL_EVENTS_RESERVE_MS: '1000' });
        resetConfig();
      }
    },
  );
});
