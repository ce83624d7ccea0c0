// `vodflow jobs` against a running dev stack (runDev in-process, found through its dev.json):
// jobs written with the real job store, a poison message parked in a DLQ, and the commands run
// through commander with their output captured. Also the --aws path (names from serverless.yml,
// endpoints from AWS_ENDPOINT_URL_*) against the same stand-ins, and the target errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDev, type RunningDev } from '../../cli/commands/dev';
import { register, type JobsIO } from '../../cli/commands/jobs';
import { readDevState } from '../../cli/dev/state';
import { resolveTarget, TargetError } from '../../cli/jobs/target';
import type { Job } from '../../lib/jobs/types';
import { classify } from '../../lib/vod/errors';

interface Run {
  out: string;
  err: string;
  exitCode: number | undefined;
}

let cwd: string;
let dev: RunningDev;
let sqs: SQSClient;

async function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const result: Run = { out: '', err: '', exitCode: undefined };
  const io: JobsIO = {
    out: (t) => void (result.out += t),
    err: (t) => void (result.err += t),
    setExitCode: (code) => void (result.exitCode = code),
    cwd: options.cwd ?? cwd,
    env: options.env ?? process.env,
  };
  const program = new Command('vodflow')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => void (result.out += s), writeErr: (s) => void (result.err += s) });
  register(program, io);
  try {
    await program.parseAsync(['jobs', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    result.exitCode = error.exitCode;
  }
  return result;
}

const queueUrl = (name: string) => dev.state.queues.find((q) => q.name === `vodflow-dev-${name}`)!.url;
const depth = async (url: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

const ids = { queued: 's3-queuedjob0000000000000000aa', ready: 's3-readyjob00000000000000000aa', failed: 's3-failedjob0000000000000000aa' };
const source = (name: string) => ({
  bucket: 'vodflow-dev-uploads',
  key: `drop/${name}.mp4`,
  etag: '"abc"',
  size: 2048,
  contentType: 'video/mp4',
});
const corrupt = classify(-43001);

beforeAll(async () => {
  // cwd holds .vodflow/dev, the place `vodflow jobs` looks by default.
  cwd = await mkdtemp(path.join(tmpdir(), 'vodflow-jobs-'));
  dev = await runDev(
    { data: path.join(cwd, '.vodflow', 'dev'), port: 0, quiet: true, logLevel: 'silent', emulator: { mediaConcurrency: 1 } },
    { out: () => {}, err: () => {} },
  );
  sqs = new SQSClient({ region: dev.state.region, endpoint: dev.state.endpoints.sqs, credentials: dev.state.credentials });

  // The stack put its table and endpoints in process.env, so the real job store writes there.
  const { createJob, transition, indexTask } = (await import('../../lib/jobs')).jobs();
  await createJob(ids.failed, source('broken'), 'pull');
  await tick();
  await transition(ids.failed, { to: 'UPLOADING', attempt: 1 });
  await tick();
  const error = {
    code: corrupt.code,
    stage: corrupt.stage,
    step: corrupt.step,
    cause: corrupt.cause,
    retryable: corrupt.retryable,
    message: corrupt.message,
    message_en: corrupt.message_en,
    action: corrupt.action,
    detail: 'moov atom not found',
    attempts: 1,
  };
  await transition(ids.failed, {
    to: 'FAILED',
    attempt: 1,
    set: { error, fileId: '5285890799999999999', finishedAt: new Date().toISOString() },
  });
  await tick();
  await createJob(ids.ready, source('good'), 'pull');
  await tick();
  await transition(ids.ready, { to: 'UPLOADING', attempt: 1 });
  await transition(ids.ready, {
    to: 'PROCESSING',
    attempt: 1,
    set: { fileId: '5285890788888888888', vodTaskId: '1250000000-procedurev2-abc' },
  });
  await indexTask('1250000000-procedurev2-abc', { jobId: ids.ready, attempt: 1, task: 'procedure' });
  await tick();
  const outputs = {
    fileId: '5285890788888888888',
    playSet: [{ definition: 20, url: 'http://127.0.0.1:1/play/f20.mp4', width: 640, height: 360, bitrate: 800_000 }],
    coverUrl: 'http://127.0.0.1:1/cover.jpg',
    snapshots: [],
    duration: 1,
  };
  await transition(ids.ready, { to: 'SUCCEEDED', attempt: 1, set: { outputs, progress: 100 } });
  await tick();
  await createJob(ids.queued, source('waiting'), 'pull');
});

afterAll(async () => {
  sqs?.destroy();
  await dev?.close();
  await rm(cwd, { recursive: true, force: true });
});

describe('vodflow jobs list', () => {
  it('shows every job (not the task lookup items), newest update first', async () => {
    const { out, exitCode } = await run(['list']);
    expect(exitCode).toBeUndefined();
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^JOB ID +STATUS +ATTEMPTS +UPDATED +SOURCE +FILE ID +ERROR$/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual([ids.queued, ids.ready, ids.failed]);
    expect(lines[3]).toMatch(/FAILED +1 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +drop\/broken\.mp4 +5285890799999999999 +-43001$/);
    expect(out).not.toContain('TASK#');
    expect(out).toContain('3 jobs, newest first');
  });

  it('is the default subcommand and filters by status, in any case', async () => {
    const { out } = await run(['--status', 'failed']);
    expect(out).toContain(ids.failed);
    expect(out).not.toContain(ids.ready);
    expect(out).toContain('1 FAILED job, newest first');
    expect((await run(['list', '--status', 'FAILED'])).out).toBe(out);
  });

  it('prints JSON rows with --json and honours --limit', async () => {
    const { out } = await run(['list', '--json', '--limit', '2']);
    const rows = JSON.parse(out) as Array<{ jobId: string; status: string; errorCode?: number }>;
    expect(rows.map((r) => r.jobId)).toEqual([ids.queued, ids.ready]);
    const all = JSON.parse((await run(['list', '--json'])).out) as typeof rows;
    expect(all.find((r) => r.jobId === ids.failed)).toMatchObject({ status: 'FAILED', errorCode: -43001, source: 'drop/broken.mp4' });
  });

  it('rejects an unknown status', async () => {
    const { err, exitCode } = await run(['list', '--status', 'DONE']);
    expect(exitCode).toBe(1);
    expect(err).toContain('expected one of AWAITING_UPLOAD');
  });
});

describe('vodflow jobs show', () => {
  it('explains why a failed job failed: code, stage/step/cause, retryable, meaning and action', async () => {
    const { out, exitCode } = await run(['show', ids.failed]);
    expect(exitCode).toBeUndefined();
    expect(out).toContain(`job ${ids.failed}  FAILED  (attempt 1)`);
    expect(out).toContain('source:     s3://vodflow-dev-uploads/drop/broken.mp4 (2.0 KiB, video/mp4)');
    expect(out).toContain('why it failed\n  code:       -43001\n');
    expect(out).toContain(`where:      ${corrupt.stage} / ${corrupt.step} / ${corrupt.cause}  (stage / step / cause)`);
    expect(out).toContain('retryable:  no (after 1 attempt)');
    expect(out).toContain(`meaning:    ${corrupt.message_en}`);
    expect(out).toContain('VOD said:   moov atom not found');
    expect(out).toContain(`what to do: ${corrupt.action}`);
    expect(out).toMatch(/finished: +\d{4}-/);
  });

  it('shows outputs of a ready job, also when asked by its VOD task id', async () => {
    const byJob = await run(['show', ids.ready]);
    expect(byJob.out).toContain('vodTaskId:  1250000000-procedurev2-abc');
    expect(byJob.out).toContain('  definition 20: http://127.0.0.1:1/play/f20.mp4  (640x360, 800 kbps)');
    expect(byJob.out).toContain('  cover:      http://127.0.0.1:1/cover.jpg');
    expect(byJob.out).not.toContain('why it failed');
    const byTask = await run(['show', '1250000000-procedurev2-abc']);
    expect(byTask.out).toContain(`job ${ids.ready}  SUCCEEDED  (attempt 1)  — found through VOD task 1250000000-procedurev2-abc`);
  });

  it('prints the stored record with --json, without the step bookkeeping', async () => {
    const job = JSON.parse((await run(['show', ids.failed, '--json'])).out) as Job;
    expect(job).toMatchObject({ jobId: ids.failed, status: 'FAILED', error: { code: -43001, retryable: false } });
    expect(job).not.toHaveProperty('leases');
  });

  it('exits 1 with one line for an unknown job', async () => {
    const { out, err, exitCode } = await run(['show', 's3-nosuchjob000000000000000']);
    expect(exitCode).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /^vodflow jobs: no job s3-nosuchjob000000000000000 in vodflow-dev-jobs \(vodflow dev at http:\/\/127\.0\.0\.1:\d+ \(pid \d+, .*\)\)\n$/,
    );
  });
});

describe('vodflow jobs redrive', () => {
  it('counts with --dry-run, then moves a poison message back with its attributes and FIFO group and empties the DLQ', async () => {
    const attributes = { origin: { DataType: 'String', StringValue: 'test' }, attempt: { DataType: 'Number', StringValue: '5' } };
    // The events queue and its DLQ are FIFO: every message has a group (the job) and a deduplication id.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl('events-dlq.fifo'),
        MessageBody: '{"poison":true}',
        MessageAttributes: attributes,
        MessageGroupId: 's3-poisonjob',
        MessageDeduplicationId: 's3-poisonjob.ready',
      }),
    );

    const dry = await run(['redrive', '--dry-run']);
    expect(dry.out).toMatch(/^vodflow-dev-events\.fifo +vodflow-dev-events-dlq\.fifo +1 +0$/m);
    expect(dry.out).toContain('dry run: 1 message(s) would be moved back');
    expect(await depth(queueUrl('events-dlq.fifo'))).toBe(1);

    // `--queue events` still names it: the .fifo suffix may be left out.
    const moved = await run(['redrive', '--queue', 'events', '--json']);
    expect(moved.exitCode).toBeUndefined();
    expect(JSON.parse(moved.out)).toEqual([
      { queue: 'vodflow-dev-events.fifo', dlq: 'vodflow-dev-events-dlq.fifo', waiting: 1, inFlight: 0, moved: 1, failed: 0, errors: [] },
    ]);
    expect(await depth(queueUrl('events-dlq.fifo'))).toBe(0);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl('events.fifo'),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    expect(Messages).toHaveLength(1);
    expect(Messages[0]!.Body).toBe('{"poison":true}');
    expect(Messages[0]!.MessageAttributes).toEqual(attributes);
    expect(Messages[0]!.Attributes?.MessageGroupId).toBe('s3-poisonjob');
  });

  it('redrives every DLQ by default, into the queue a consumer reads', async () => {
    // What S3 sends first to a notification queue; ingest acknowledges it once it is back.
    const testEvent = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: new Date().toISOString(),
      Bucket: 'vodflow-dev-uploads',
      RequestId: 'R',
      HostId: 'H',
    });
    for (let i = 0; i < 12; i++) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('ingest-dlq'), MessageBody: testEvent }));
    const { out, exitCode } = await run(['redrive']);
    expect(exitCode).toBeUndefined();
    expect(out).toMatch(/^vodflow-dev-ingest +vodflow-dev-ingest-dlq +12 +12 +0$/m);
    expect(out).toMatch(/^vodflow-dev-poll +vodflow-dev-poll-dlq +0 +0 +0$/m);
    expect(out).toContain('12 message(s) moved back to their queues');
    expect(await depth(queueUrl('ingest-dlq'))).toBe(0);
    await dev.stack.waitForIdle({ timeoutMs: 15_000 });
    expect(await depth(queueUrl('ingest'))).toBe(0);
  });

  it('names the queues to choose from for an unknown --queue', async () => {
    const { err, exitCode } = await run(['redrive', '--queue', 'nope']);
    expect(exitCode).toBe(1);
    expect(err).toBe(
      'vodflow jobs: no queue with a DLQ is called nope; choose one of: ingest, upload, process, poll, result, classify, events, deliver\n',
    );
  });
});

describe('targets', () => {
  it('--aws reads names from serverless.yml and honours AWS_ENDPOINT_URL_* (here: the dev stand-ins)', async () => {
    // The running stack exported AWS_ENDPOINT_URL_* and its credentials into process.env.
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(dev.state.endpoints.dynamodb);
    const listed = await run(['list', '--aws', '--stage', 'dev', '--region', 'us-east-1', '--json']);
    expect((JSON.parse(listed.out) as Array<{ jobId: string }>).map((r) => r.jobId)).toEqual([ids.queued, ids.ready, ids.failed]);
    const counted = await run(['redrive', '--aws', '--dry-run', '--json']);
    expect((JSON.parse(counted.out) as unknown[]).length).toBe(8); // one per DLQ of serverless.yml
    const other = await run(['list', '--aws', '--stage', 'prod']);
    expect(other.exitCode).toBe(1);
    expect(other.err).toMatch(
      /^vodflow jobs: table vodflow-prod-jobs not found \(AWS API at AWS_ENDPOINT_URL_\*, region us-east-1, stage prod/,
    );
  });

  it('uses AWS_ENDPOINT_URL_* with serverless.yml names when there is no dev stack here', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'vodflow-jobs-empty-'));
    try {
      const target = resolveTarget({}, { AWS_ENDPOINT_URL_DYNAMODB: dev.state.endpoints.dynamodb }, empty);
      expect(target.description).toContain('endpoints from AWS_ENDPOINT_URL_*');
      expect(target.table).toBe('vodflow-dev-jobs');
      target.close();
      const listed = await run(['list', '--json'], { cwd: empty });
      expect((JSON.parse(listed.out) as unknown[]).length).toBe(3);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('says in one line when nothing is found, or when dev.json is stale', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'vodflow-jobs-none-'));
    try {
      const none = await run(['list'], { cwd: empty, env: {} });
      expect(none.exitCode).toBe(1);
      expect(none.err).toMatch(
        /^vodflow jobs: nothing to look at: no running vodflow dev here \(.*dev\.json missing\)\. Start `vodflow dev`, pass --data DIR, or use --aws --stage S --region R\n$/,
      );
      expect(() => resolveTarget({ data: 'elsewhere' }, {}, empty)).toThrow(TargetError);

      const state = readDevState(dev.statePath)!;
      await writeFile(path.join(empty, 'dev.json'), JSON.stringify({ ...state, pid: 2 ** 31 - 1 }));
      const stale = await run(['show', ids.failed, '--data', empty], { env: {} });
      expect(stale.exitCode).toBe(1);
      expect(stale.err).toContain(`names vodflow dev pid ${2 ** 31 - 1}, which is not running`);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
