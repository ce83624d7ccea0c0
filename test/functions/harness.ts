// Shared setup of the handler tests: stand-ins + emulator + env + the handler modules.
import '../support/quiet';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_ACCOUNT, startEmulator } from '../../emulator';
import { makeBroken, makeClip } from '../../emulator/media/fixtures';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { jobIdFor, jobs } from '../../lib/jobs';
import { drainQueue, runUntil, startStack, type SqsLambda, type Stack } from '../support/stack';

export const API_KEY = 'test-api-key-0123456789';
export const CALLBACK_TOKEN = 'cb-token-abcdefghijklmnop';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface Harness {
  stack: Stack;
  emu: Emulator;
  dir: string;
  goodClip: Buffer;
  brokenClip: Buffer;
  handlers: Record<string, SqsLambda>;
  env(extra?: Record<string, string | undefined>): void;
  /** Pumps every SQS handler until the job is terminal and its event delivered. */
  settle(jobId: string, timeoutMs?: number): Promise<void>;
  events(): Promise<Array<{ id: string; type: string; subject: string; data: Record<string, unknown> }>>;
  /** The job id ingest derives for an object already in the bucket (bucket + key + etag). */
  jobIdOf(key: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(emulatorOptions: Parameters<typeof startEmulator>[0] = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'vodflow-pipeline-'));
  const [stack, emu] = await Promise.all([
    startStack(),
    // Quotas off: this harness pumps the queues back to back, far faster than SQS redelivers on
    // AWS, so one test's polls would spend the next one's quota. test/emulator/quotas.test.ts
    // covers the 4400 answers and vodflow's backoff against them.
    startEmulator({
      allowPrivatePullHosts: true,
      callbackMode: 'none',
      log: false,
      env: false,
      mediaConcurrency: 2,
      rateLimits: false,
      ...emulatorOptions,
    }),
  ]);
  const good = await makeClip({ path: join(dir, 'good.mp4'), seconds: 1, width: 160, height: 120 });
  const broken = await makeBroken('garbage', join(dir, 'broken.mp4'));
  const env = (extra: Record<string, string | undefined> = {}) =>
    stack.applyEnv({
      VOD_SECRET_ID: DEV_ACCOUNT.secretId,
      VOD_SECRET_KEY: DEV_ACCOUNT.secretKey,
      VOD_ENDPOINT: emu.endpoint,
      VOD_UPLOAD_ENDPOINT: emu.uploadEndpoint,
      VOD_DEFINITIONS: '10,210',
      VOD_COVER_DEFINITION: '10',
      POLL_BASE_DELAY_S: '0',
      RETRY_BASE_DELAY_S: '0',
      MAX_ATTEMPTS: '3',
      UPLOAD_MODE: 'pull',
      CALLBACK_TOKEN,
      API_KEYS: `other-key,${API_KEY}`,
      EVENT_SUBSCRIBERS: undefined,
      EVENT_SIGNING_SECRET: undefined,
      ...extra,
    });
  env();
  const load = async (name: string) => ((await import(`../../functions/${name}.ts`)) as { handler: SqsLambda }).handler;
  const handlers: Record<string, SqsLambda> = {
    ingest: await load('ingest'),
    upload: await load('initiate-upload'),
    process: await load('start-processing'),
    poll: await load('poll-status'),
    result: await load('publish-result'),
    classify: await load('classify-error'),
    deliver: await load('deliver-event'),
  };
  const settle = async (jobId: string, timeoutMs = 45_000) =>
    runUntil(
      stack,
      handlers,
      async () => {
        const job = await jobs().getJob(jobId);
        return !!job && (job.status === 'SUCCEEDED' || job.status === 'FAILED') && (job.eventDeliveredTo ?? []).includes('sqs');
      },
      { timeoutMs },
    );
  return {
    stack,
    emu,
    dir,
    goodClip: readFileSync(good),
    brokenClip: readFileSync(broken),
    handlers,
    env,
    settle,
    events: async () => (await drainQueue(stack, 'events.fifo')) as never,
    async jobIdOf(key) {
      const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
      return jobIdFor({ bucket: stack.bucket, key, etag: head.ETag!.replaceAll('"', '') });
    },
    async close() {
      await Promise.all([stack.close(), emu.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
