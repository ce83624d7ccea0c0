// A crash while initiate-upload runs (the upload queue keeps the dead handler's message for its
// 5,400 s visibility timeout): the job shows the interrupted step, `vodflow jobs retry` moves it
// on at once, and sweep-jobs does so by itself within the heartbeat lease + its schedule. The
// clock is simulated by handing a later `now` to the code that reads it.
import '../support/quiet';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { retryJob } from '../../cli/jobs/retry';
import type { JobsTarget } from '../../cli/jobs/target';
import { jobs } from '../../lib/jobs';
import { HEARTBEAT, inFlightOf } from '../../lib/pipeline';
import { installCrashRig } from '../support/crash-points';
import { putObject } from '../support/s3-notify';
import { runUntil } from '../support/stack';
import { startHarness, type Harness } from './harness';

let h: Harness;
let target: JobsTarget;
let resumeInterrupted: typeof import('../../functions/sweep-jobs').resumeInterrupted;
let jobView: typeof import('../../functions/get-job').jobView;

const sls = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')) as {
  functions: Record<string, { timeout?: number; events?: Array<{ schedule?: string | { rate: string } }> }>;
  resources: { Resources: Record<string, { Properties: { VisibilityTimeout?: number } }> };
};
const UPLOAD_TIMEOUT_S = sls.functions['initiate-upload']!.timeout!;
const UPLOAD_VISIBILITY_S = sls.resources.Resources.UploadQueue!.Properties.VisibilityTimeout!;
const sweepEvery = sls.functions['sweep-jobs']!.events![0]!.schedule!;
const SWEEP_EVERY_MS = (() => {
  const m = /^rate\((\d+) minutes?\)$/.exec(typeof sweepEvery === 'string' ? sweepEvery : sweepEvery.rate);
  if (!m) throw new Error(`sweep-jobs schedule ${JSON.stringify(sweepEvery)} is not rate(N minutes)`);
  return Number(m[1]) * 60_000;
})();

beforeAll(async () => {
  h = await startHarness();
  ({ resumeInterrupted } = await import('../../functions/sweep-jobs'));
  ({ jobView } = await import('../../functions/get-job'));
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: h.stack.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
  const queue = (short: string) => ({ logicalId: short, name: `vodflow-test-${short}`, url: h.stack.queueUrl(short) });
  target = {
    description: 'the test stack',
    table: h.stack.table,
    prefix: 'vodflow-test',
    dynamo,
    sqs: h.stack.sqs,
    pairs: ['upload', 'process', 'poll'].map((q) => ({ source: queue(q), dlq: queue(`${q}-dlq`) })),
    queueUrl: async (q) => q.url!,
    close: () => dynamo.destroy(),
  };
});
afterAll(async () => {
  target?.close();
  await h?.close();
});

/** Runs ingest, then one initiate-upload invocation with the real function timeout that dies right after MultiPullVodFile. */
async function crashedUpload(key: string): Promise<{ jobId: string; crashedAt: number }> {
  await putObject(h.stack, key, h.goodClip);
  const jobId = await h.jobIdOf(key);
  const rig = installCrashRig();
  try {
    rig.plan.set(`upload:${jobId}`, 2);
    await rig.pump(h.stack, { ingest: h.handlers.ingest! });
    await rig.pump(h.stack, { upload: h.handlers.upload! }, { leaseS: UPLOAD_TIMEOUT_S + 5 });
    expect(rig.fired.map((f) => f.write)).toEqual(['VOD:MultiPullVodFile']);
    return { jobId, crashedAt: rig.fired[0]!.at };
  } finally {
    rig.uninstall();
  }
}

/** Lets `ms` pass for a job: its leases and last update move that far into the past. */
async function age(jobId: string, ms: number): Promise<void> {
  const job = (await jobs().getJob(jobId))!;
  const steps = Object.entries(job.leases);
  await target.dynamo.send(
    new UpdateCommand({
      TableName: target.table,
      Key: { jobId },
      UpdateExpression: `SET ${['#u = :u', ...steps.map((_, i) => `leases.#s${i} = :s${i}`)].join(', ')}`,
      ExpressionAttributeNames: { '#u': 'updatedAt', ...Object.fromEntries(steps.map(([step], i) => [`#s${i}`, step])) },
      ExpressionAttributeValues: {
        ':u': new Date(Date.parse(job.updatedAt) - ms).toISOString(),
        ...Object.fromEntries(steps.map(([, until], i) => [`:s${i}`, until - ms])),
      },
    }),
  );
}

const settle = (jobId: string) =>
  runUntil(h.stack, h.handlers, async () => {
    const job = await jobs().getJob(jobId);
    return job?.status === 'SUCCEEDED' && (job.eventDeliveredTo ?? []).includes('sqs');
  });

describe('a crash while initiate-upload runs', () => {
  it('shows the step in flight, then interrupted once its heartbeat lease runs out', async () => {
    const { jobId, crashedAt } = await crashedUpload('stuck/shown.mp4');
    const job = (await jobs().getJob(jobId))!;
    expect(job.status).toBe('QUEUED');
    const view = jobView(job).inFlight;
    expect(view).toMatchObject({ state: 'running', step: 'upload#1' });
    // The lease is the heartbeat's, not the 900 s invocation's.
    expect(Date.parse((view as { leaseUntil: string }).leaseUntil)).toBeLessThanOrEqual(crashedAt + HEARTBEAT.leaseMs);
    expect(inFlightOf(job, crashedAt + HEARTBEAT.leaseMs + 1_000)).toMatchObject({ state: 'interrupted', step: 'upload#1' });
    // Nothing moves it meanwhile: its message is invisible for the upload queue's timeout.
    expect(await jobs().getJob(jobId)).toMatchObject({ status: 'QUEUED' });
  });

  it('`vodflow jobs retry` refuses while the step runs, then moves the job on to one video.ready', async () => {
    const { jobId } = await crashedUpload('stuck/retried.mp4');
    expect(await retryJob(target, jobId)).toMatchObject({ sent: false, reason: expect.stringMatching(/upload#1 is running/) });
    await age(jobId, HEARTBEAT.leaseMs + 1_000);
    expect(await retryJob(target, jobId)).toMatchObject({
      sent: true,
      queue: 'vodflow-test-upload',
      message: { type: 'initiate-upload', attempt: 1 },
    });
    await settle(jobId);
    expect((await h.events()).filter((e) => e.subject === jobId).map((e) => e.type)).toEqual(['vodflow.video.ready']);
    expect(await retryJob(target, jobId)).toMatchObject({ sent: false, reason: 'the job is SUCCEEDED' });
  });

  it(`recovers by itself within the heartbeat lease + the sweep interval (${SWEEP_EVERY_MS / 60_000} min), not the queue's ${UPLOAD_VISIBILITY_S} s`, async () => {
    const { jobId } = await crashedUpload('stuck/swept.mp4');
    const ctx = { getRemainingTimeInMillis: () => 60_000 };
    await age(jobId, HEARTBEAT.leaseMs - 5_000);
    expect((await resumeInterrupted(ctx)).resumed).not.toContain(jobId); // the lease still runs
    // The first sweep that sees the step interrupted comes at most one interval after the lease ends.
    await age(jobId, 5_000 + SWEEP_EVERY_MS);
    expect((await resumeInterrupted(ctx)).resumed).toContain(jobId);
    await settle(jobId);
    expect((await h.events()).filter((e) => e.subject === jobId).map((e) => e.type)).toEqual(['vodflow.video.ready']);
    const boundS = (HEARTBEAT.leaseMs + SWEEP_EVERY_MS) / 1000;
    expect(boundS).toBeLessThan(UPLOAD_VISIBILITY_S / 10);
    expect(boundS).toBeLessThanOrEqual(7 * 60);
  });
});
