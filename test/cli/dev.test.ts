// `vodflow dev`: in-process through runDev (banner, state file, endpoints that answer, the printed
// curl, restarts keeping state and secrets, one-line start errors, signal handling), and as a
// real process through cli/bin.mjs (SIGINT → exit 0, state file removed) once cli/main.ts
// registers the command.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevError, handleSignals, runDev, type DevIO, type RunningDev } from '../../cli/commands/dev';
import { readDevState, type DevState } from '../../cli/dev/state';
import { createVodV3Client } from '../../lib/vod/v3/client';

const ROOT = path.join(import.meta.dirname, '..', '..');
const registered = readFileSync(path.join(ROOT, 'cli', 'main.ts'), 'utf8').includes('commands/dev');
if (!registered) console.warn('[dev] spawn test skipped: cli/main.ts does not register commands/dev yet');

function capture(): DevIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

const quiet = { port: 0, logLevel: 'silent' as const, quiet: true, emulator: { mediaConcurrency: 1 } };

async function getUnknownJob(state: Pick<DevState, 'endpoints' | 'apiKey'>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${state.endpoints.httpApi}/jobs/unknown-id`, { headers: { 'x-api-key': state.apiKey } });
  return { status: res.status, body: await res.json() };
}

describe('runDev (in-process)', () => {
  let data: string;
  let dev: RunningDev | undefined;
  const io = capture();

  beforeAll(async () => {
    data = await mkdtemp(path.join(tmpdir(), 'vodflow-dev-'));
    dev = await runDev({ ...quiet, data }, io);
  });
  afterAll(async () => {
    await dev?.close();
    await rm(data, { recursive: true, force: true });
  });

  it('prints the endpoints, routes, resources and local credentials', () => {
    const { state } = dev!;
    const out = io.stdout;
    expect(out).toContain(`HTTP API      ${state.endpoints.httpApi}`);
    for (const route of ['POST /uploads', 'GET  /jobs/{id}', 'POST /upload-signatures', 'POST /vod/callback/{token}'])
      expect(out).toContain(route);
    expect(out).toContain(`VOD emulator  ${state.endpoints.emulator}`);
    expect(out).toContain(`SQS + S3      ${state.endpoints.sqs}`);
    expect(out).toContain(`DynamoDB      ${state.endpoints.dynamodb}`);
    expect(out).toMatch(/bucket {8}vodflow-dev-uploads/);
    expect(out).toMatch(/table {9}vodflow-dev-jobs/);
    expect(out).toMatch(/vodflow-dev-ingest +→ DLQ vodflow-dev-ingest-dlq/);
    expect(out).toContain(`x-api-key: ${state.apiKey}`);
    expect(out).toContain(`webhook     ${state.endpoints.httpApi}/vod/callback/`);
    expect(out).toContain(`export AWS_ENDPOINT_URL_SQS=${state.endpoints.sqs}\n`);
    expect(out).toContain(`export AWS_ENDPOINT_URL_DYNAMODB=${state.endpoints.dynamodb}\n`);
    expect(out).toContain(`export VOD_ENDPOINT=${state.vod!.endpoint}\n`);
    expect(out).toContain('export VOD_SECRET_ID=AKID');
    expect(state.endpoints.httpApi).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('writes dev.json with what `vodflow jobs` needs, queues with their DLQs', () => {
    const state = readDevState(dev!.statePath)!;
    expect(dev!.statePath).toBe(path.join(data, 'dev.json'));
    expect(state.pid).toBe(process.pid);
    expect(state.table).toBe('vodflow-dev-jobs');
    const ingest = state.queues.find((q) => q.name === 'vodflow-dev-ingest')!;
    expect(state.queues.find((q) => q.logicalId === ingest.deadLetter)?.name).toBe('vodflow-dev-ingest-dlq');
    expect(state.queues.filter((q) => q.deadLetter)).toHaveLength(8);
  });

  it('answers on the printed endpoints: the HTTP API with the API key, SQS with the exported settings', async () => {
    const { state } = dev!;
    expect(await getUnknownJob(state)).toEqual({ status: 404, body: { error: 'not_found', message: 'no job unknown-id' } });
    const denied = await fetch(`${state.endpoints.httpApi}/jobs/unknown-id`);
    expect(denied.status).toBe(401);

    const exported = Object.fromEntries([...io.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const sqs = new SQSClient({
      region: exported.AWS_REGION,
      endpoint: exported.AWS_ENDPOINT_URL_SQS,
      credentials: { accessKeyId: exported.AWS_ACCESS_KEY_ID!, secretAccessKey: exported.AWS_SECRET_ACCESS_KEY! },
    });
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    sqs.destroy();
    expect(QueueUrls.map((u) => u.split('/').pop())).toContain('vodflow-dev-events-dlq.fifo');
  });

  it('prints curls that create an upload and PUT the file, as pasted', async () => {
    // Before, the banner said only "PUT the file to upload.url": a plain PUT got 403 (the URL is
    // signed for content-type and if-none-match).
    const [create, put] = /^curl .*\\\n.*\ncurl .*$/m.exec(io.stdout)?.[0].split(/\n(?=curl )/) ?? [];
    expect(put).toMatch(/^curl -sS -T clip\.mp4/);
    await writeFile(path.join(data, 'clip.mp4'), Buffer.alloc(4321, 1));
    await promisify(execFile)('sh', ['-c', create!], { cwd: data });
    const created = JSON.parse(readFileSync(path.join(data, 'upload.json'), 'utf8')) as { jobId: string; upload: { url: string } };
    expect(created.jobId).toMatch(/^up-/);
    expect(created.upload.url).toContain(`${dev!.state.endpoints.s3}/vodflow-dev-uploads/uploads/${created.jobId}/clip.mp4`);
    const job = async () =>
      (await (
        await fetch(`${dev!.state.endpoints.httpApi}/jobs/${created.jobId}`, { headers: { 'x-api-key': dev!.state.apiKey } })
      ).json()) as {
        status: string;
      };
    expect(await job()).toMatchObject({ jobId: created.jobId, status: 'AWAITING_UPLOAD', source: { size: 4321 } });
    const { stdout } = await promisify(execFile)('sh', ['-c', `${put!} -w '%{http_code}'`], { cwd: data });
    expect(stdout).toBe('200');
    // The bucket's notification hands the object to ingest: the job leaves AWAITING_UPLOAD.
    const deadline = Date.now() + 15_000;
    while ((await job()).status === 'AWAITING_UPLOAD' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await job()).status).not.toBe('AWAITING_UPLOAD');
  });

  it('refuses a data dir that another live vodflow dev owns', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'vodflow-dev-other-'));
    const state = readDevState(dev!.statePath)!;
    await writeFile(path.join(other, 'dev.json'), JSON.stringify({ ...state, pid: process.ppid }));
    await expect(runDev({ ...quiet, data: other }, capture())).rejects.toThrow(
      new RegExp(`another vodflow dev \\(pid ${process.ppid}\\) is running`),
    );
    await rm(other, { recursive: true, force: true });
  });

  it('restarts on the same data dir with its jobs, API key and webhook token, and removes dev.json on close', async () => {
    const before = dev!.state;
    const created = (await (
      await fetch(`${before.endpoints.httpApi}/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': before.apiKey },
        body: JSON.stringify({ filename: 'kept.mp4', contentType: 'video/mp4', size: 10 }),
      })
    ).json()) as { jobId: string };
    await dev!.close();
    expect(existsSync(dev!.statePath)).toBe(false);
    await dev!.close(); // twice is fine

    dev = await runDev({ ...quiet, data }, capture());
    expect(dev.state.apiKey).toBe(before.apiKey);
    expect(dev.state.callbackUrl!.split('/').pop()).toBe(before.callbackUrl!.split('/').pop());
    const job = await fetch(`${dev.state.endpoints.httpApi}/jobs/${created.jobId}`, { headers: { 'x-api-key': dev.state.apiKey } });
    expect(job.status).toBe(200);
  });

  it('closes on the first signal with exit 0; a second one exits 130 at once', async () => {
    const exits: number[] = [];
    const sigIO = capture();
    const { onSignal, dispose } = handleSignals(dev!, sigIO, (code) => void exits.push(code));
    try {
      onSignal('SIGINT');
      onSignal('SIGINT');
      expect(exits).toEqual([130]);
      expect(existsSync(dev!.statePath)).toBe(false);
      await dev!.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(exits).toEqual([130, 0]);
      expect(sigIO.stderr).toContain('SIGINT, stopping');
      expect(sigIO.stderr).toContain('SIGINT again, exiting now');
    } finally {
      dispose();
    }
  });
});

describe('runDev --vod-api v3', () => {
  it('says it speaks API 3.0 and exports the 3.0 settings, which reach the emulator as given', async () => {
    // Before, the banner of a 3.0 stack read as 2.0's: the /v2/index.php endpoints and exports only.
    const data = await mkdtemp(path.join(tmpdir(), 'vodflow-dev-v3-'));
    const io = capture();
    const dev = await runDev({ ...quiet, data, vodApi: 'v3' }, io);
    try {
      expect(io.stdout).toMatch(/^vodflow dev — .*, VOD API 3\.0, VOD callbacks: http$/m);
      expect(io.stdout).toContain(`export VOD_API_VERSION=v3\n`);
      expect(io.stdout).toContain(`export VOD_V3_ENDPOINT=${dev.state.endpoints.emulator}\n`);
      expect(io.stdout).not.toContain('export VOD_ENDPOINT=');
      const exported = new Map([...io.stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
      const client = createVodV3Client({
        endpoint: exported.get('VOD_V3_ENDPOINT'),
        secretId: exported.get('VOD_SECRET_ID')!,
        secretKey: exported.get('VOD_SECRET_KEY')!,
      });
      expect((await client.call('DescribeAllClass', {})).ClassInfoSet.length).toBeGreaterThan(0);
    } finally {
      await dev.close();
      await rm(data, { recursive: true, force: true });
    }
  });
});

describe('runDev start errors', () => {
  let blocker: Server;
  let data: string;
  beforeAll(async () => {
    data = await mkdtemp(path.join(tmpdir(), 'vodflow-dev-err-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await rm(data, { recursive: true, force: true });
  });

  it('says in one line that the port is taken, and leaves no state file', async () => {
    const port = (blocker.address() as AddressInfo).port;
    const error = await runDev({ ...quiet, data, port }, capture()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevError);
    expect((error as Error).message).toBe(`port ${port} is already in use on 127.0.0.1; pick another with --port N (0 = any free port)`);
    expect(existsSync(path.join(data, 'dev.json'))).toBe(false);
  });

  it('rejects a bad callback mode or port with the option name', async () => {
    await expect(runDev({ ...quiet, data, callbackMode: 'webhook' as 'http' }, capture())).rejects.toThrow(/^--callback-mode: /);
    await expect(runDev({ ...quiet, data, port: 70000 }, capture())).rejects.toThrow(/^--port: /);
    await expect(runDev({ ...quiet, data, subscriber: ['ftp://127.0.0.1/hooks'] }, capture())).rejects.toThrow(/^--subscriber: /);
  });
});

describe.skipIf(!registered)('vodflow dev (real process)', () => {
  let data: string;
  beforeAll(async () => {
    data = await mkdtemp(path.join(tmpdir(), 'vodflow-dev-proc-'));
  });
  afterAll(async () => {
    await rm(data, { recursive: true, force: true });
  });

  it('serves until SIGINT, then exits 0 and removes dev.json', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'cli', 'bin.mjs'), 'dev', '--data', data, '--port', '0', '--quiet'], {
      cwd: data,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => void (stdout += c));
    child.stderr.on('data', (c: Buffer) => void (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const statePath = path.join(data, 'dev.json');
      const until = Date.now() + 40_000;
      while (!existsSync(statePath) || !stdout.includes('Ctrl-C stops')) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`vodflow dev did not start:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const state = readDevState(statePath)!;
      expect(state.pid).toBe(child.pid);
      expect(stdout).toContain(`HTTP API      ${state.endpoints.httpApi}`);
      expect(await getUnknownJob(state)).toMatchObject({ status: 404, body: { error: 'not_found' } });

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(statePath)).toBe(false);
      expect(stderr).toContain('SIGINT, stopping');
      await expect(fetch(`${state.endpoints.httpApi}/jobs/unknown-id`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
