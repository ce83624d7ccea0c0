// The one test over the pipeline's real serverless.yml and handlers: an upload through the HTTP
// API becomes exactly one vodflow.video.ready event, with the VOD emulator doing the media work.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ready = existsSync(path.join(ROOT, 'serverless.yml')) && existsSync(path.join(ROOT, 'functions'));
if (!ready) console.warn('[local] integration test skipped: serverless.yml or functions/ is missing');

describe.skipIf(!ready)('local stack over the real serverless.yml', () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  const work = mkdtempSync(path.join(tmpdir(), 'vodflow-local-it-'));

  beforeAll(async () => {
    const { startLocalStack } = await import('../../local/stack');
    stack = await startLocalStack({ logLevel: 'error', emulator: { mediaConcurrency: 1 } });
    sqs = new SQSClient({ region: stack.region, endpoint: stack.endpoints.sqs, credentials: stack.credentials });
  });

  afterAll(async () => {
    sqs?.destroy();
    await stack?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('starts every function and wires the webhook with its token', () => {
    expect(stack.model.functions.length).toBeGreaterThan(5);
    expect(stack.callbackUrl).toBe(`${stack.endpoints.httpApi}/vod/callback/${stack.secrets.callbackToken}`);
    expect(stack.env.VOD_ENDPOINT).toBe(stack.emulator!.endpoint);
    // The resources with no local meaning, counted by type on one short line (it listed each, ~3,000 characters).
    const ignored = stack.notes.find((n) => n.startsWith('ignored resources'));
    expect(ignored).toMatch(/^ignored resources \(no local meaning\): \d+ AWS::\w+::\w+(, \d+ AWS::\w+::\w+)*$/);
    expect(ignored!.length).toBeLessThan(400);
  });

  it('turns POST /uploads + PUT into one vodflow.video.ready event', async () => {
    const { makeClip } = await import('../../emulator/media/fixtures');
    const file = await makeClip({ path: path.join(work, 'clip.mp4'), seconds: 1, width: 160, height: 120 });
    const bytes = readFileSync(file);
    const created = await fetch(`${stack.endpoints.httpApi}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.secrets.apiKey },
      body: JSON.stringify({ filename: 'clip.mp4', contentType: 'video/mp4', size: bytes.length }),
    });
    const body = (await created.json()) as {
      jobId: string;
      upload?: { url: string; headers?: Record<string, string> };
      url?: string;
      headers?: Record<string, string>;
    };
    expect(created.status, JSON.stringify(body)).toBeLessThan(300);
    const upload = body.upload ?? { url: body.url!, headers: body.headers };
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'video/mp4', ...(upload.headers ?? {}) },
      body: bytes,
    });
    expect(put.status).toBe(200);

    const events: Array<{ type: string; subject: string }> = [];
    const until = Date.now() + 50_000;
    while (Date.now() < until && !events.some((e) => e.subject === body.jobId)) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stack.queues.EventsQueue!.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
      );
      events.push(...Messages.map((m) => JSON.parse(m.Body!) as { type: string; subject: string }));
    }
    await stack.waitForIdle({ timeoutMs: 20_000 });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.EventsQueue!.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    events.push(...Messages.map((m) => JSON.parse(m.Body!) as { type: string; subject: string }));
    expect(events.filter((e) => e.subject === body.jobId).map((e) => e.type)).toEqual(['vodflow.video.ready']); // exactly once
    const job = await fetch(`${stack.endpoints.httpApi}/jobs/${body.jobId}`, { headers: { 'x-api-key': stack.secrets.apiKey } });
    expect(((await job.json()) as { status: string }).status).toBe('SUCCEEDED');
  }, 60_000);
});
