// The local web console end to end: `vodflow dev` prints its URL; a real headless chromium opens
// it and, as a person would, uploads a good and a broken clip, watches both reach their terminal
// state, plays both renditions (MP4 natively, HLS through hls.js), reads the failure explained
// and redrives a parked message from the operator view. Screenshots go to $CONSOLE_SHOTS (default
// <tmp>/vodflow-console-shots). The console's API answers are checked without a browser too.
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDev, type RunningDev } from '../../cli/commands/dev';
import { makeBroken, makeClip } from '../../emulator/media/fixtures';
import { browserPath, launch, NO_BROWSER, shot, SHOTS } from './browser';

// The page's globals, typed just enough for the callbacks puppeteer runs inside the browser
// (the project's tsconfig has no DOM library).
interface El {
  textContent: string | null;
  innerText: string;
  getAttribute(name: string): string | null;
  querySelector(s: string): El | null;
  click(): void;
}
interface Video extends El {
  src: string;
  readyState: number;
  currentTime: number;
  play(): Promise<void>;
  pause(): void;
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El> & ArrayLike<El> };
declare const sessionStorage: { getItem(key: string): string | null };
declare const location: { hash: string };
declare const DataTransfer: new () => { items: { add(file: unknown): void } };
declare const DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => unknown;

let dir: string;
let dev: RunningDev;
let printed = '';
let consoleUrl: string;
let sqs: SQSClient;
let good: string;
let broken: string;

const api = () => dev.state.endpoints.httpApi;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vodflow-console-'));
  dev = await runDev(
    { port: 0, data: path.join(dir, 'data'), quiet: true, logLevel: 'silent', emulator: { mediaConcurrency: 1 } },
    { out: (t) => void (printed += t), err: () => {} },
  );
  consoleUrl = /^Console: open (\S+)$/m.exec(printed)?.[1] ?? '';
  sqs = new SQSClient({ endpoint: dev.state.endpoints.sqs, region: dev.state.region, credentials: dev.state.credentials });
  good = await makeClip({ path: path.join(dir, 'good-clip.mp4'), seconds: 3, width: 320, height: 180 });
  broken = await makeBroken('truncated', path.join(dir, 'broken-clip.mp4'));
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await dev?.close();
  await rm(dir, { recursive: true, force: true });
});

async function depth(logicalId: string): Promise<number> {
  const url = dev.stack.queues[logicalId]!.url;
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

describe('console server (no browser)', () => {
  it('vodflow dev prints the console URL with the API key in the fragment', () => {
    expect(consoleUrl).toBe(`${api()}/console/#key=${encodeURIComponent(dev.state.apiKey)}`);
  });

  it('serves the page and the vendored hls.js without a key, the API only with it', async () => {
    const page = await fetch(`${api()}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="app.js">');
    const hls = await fetch(`${api()}/console/vendor/hls.min.js`);
    expect(hls.status).toBe(200);
    expect(await hls.text()).toContain('Hls');
    const bare = await fetch(`${api()}/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([308, '/console/']);

    const noKey = await fetch(`${api()}/console/api/jobs`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { message: string } }).error.message).toContain('x-api-key');
    const wrong = await fetch(`${api()}/console/api/jobs`, { headers: { 'x-api-key': 'local-not-the-key' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${api()}/console/api/jobs`, { headers: { 'x-api-key': dev.state.apiKey } });
    expect(ok.status).toBe(200);
    // The HTTP API's own routes are still there beside it.
    expect((await fetch(`${api()}/jobs/unknown-id`, { headers: { 'x-api-key': dev.state.apiKey } })).status).toBe(404);
  });

  it('refuses paths out of console/, foreign Host names, bad input and uploads elsewhere, naming the field', async () => {
    const key = { 'x-api-key': dev.state.apiKey };
    for (const p of [
      '/console/..%2Fpackage.json',
      '/console/%2e%2e/package.json',
      '/console/.hidden',
      '/console/vendor/hls.js.map',
      '/console/nope.js',
    ]) {
      expect((await fetch(`${api()}${p}`)).status, p).toBe(404);
    }
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) gets nothing.
    const { request } = await import('node:http');
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(`${api()}/console/api/info`, { headers: { ...key, host: 'evil.example:80' } }, (res) =>
        resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
    const status = await fetch(`${api()}/console/api/jobs?status=DONE`, { headers: key });
    expect(status.status).toBe(400);
    expect(((await status.json()) as { error: { message: string } }).error.message).toMatch(
      /^query\.status: expected one of AWAITING_UPLOAD/,
    );
    const faults = await fetch(`${api()}/console/api/faults`, {
      method: 'PUT',
      headers: { ...key, 'content-type': 'application/json' },
      body: JSON.stringify({ http503: 2 }),
    });
    expect(faults.status).toBe(400);
    expect(((await faults.json()) as { error: { message: string } }).error.message).toMatch(/^body\.http503: /);
    const elsewhere = await fetch(
      `${api()}/console/api/upload?to=${encodeURIComponent('http://127.0.0.1:1/other-bucket/x?X-Amz-Signature=1')}`,
      { method: 'PUT', headers: key, body: 'x' },
    );
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as { error: { message: string } }).error.message).toMatch(/^query\.to: /);
    const unknown = await fetch(`${api()}/console/api/jobs/${encodeURIComponent('../etc')}`, { headers: key });
    expect(unknown.status).toBe(400);
  });

  it('reports queue depths with their DLQs, the media tools and the fault knobs', async () => {
    const key = { 'x-api-key': dev.state.apiKey };
    const { queues } = (await (await fetch(`${api()}/console/api/queues`, { headers: key })).json()) as {
      queues: Array<{ short: string; deadLetterOf?: string; deadLetter?: string }>;
    };
    expect(queues.find((q) => q.short === 'ingest')).toMatchObject({ deadLetter: 'IngestDlq' });
    expect(queues.find((q) => q.short === 'ingest-dlq')).toMatchObject({ deadLetterOf: 'IngestQueue' });
    const info = (await (await fetch(`${api()}/console/api/info`, { headers: key })).json()) as {
      tools: Array<{ name: string; version: string }>;
      bucket: string;
    };
    expect(info.tools.map((t) => t.name)).toEqual(['ffmpeg', 'ffprobe']);
    for (const t of info.tools) expect(t.version).toMatch(new RegExp(`^${t.name} version `));
    expect(info.bucket).toBe(dev.state.bucket);
    expect(JSON.stringify(info)).not.toContain(dev.state.credentials.secretAccessKey);
    const set = await fetch(`${api()}/console/api/faults`, {
      method: 'PUT',
      headers: { ...key, 'content-type': 'application/json' },
      body: JSON.stringify({ delay: { fraction: 0, ms: 5 } }),
    });
    expect(((await set.json()) as { options: unknown }).options).toEqual({ delay: { fraction: 0, ms: 5 } });
    await fetch(`${api()}/console/api/faults`, { method: 'PUT', headers: { ...key, 'content-type': 'application/json' }, body: '{}' });
  });
});

const browserTests = browserPath ? describe : describe.skip;
if (!browserPath) console.warn(`[console] ${NO_BROWSER}`);

browserTests('console in a headless browser', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('pageerror', (e) => problems.push(`pageerror: ${(e as Error).message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    console.info(`[console] screenshots in ${SHOTS}`);
  }, 60_000);
  afterAll(async () => browser?.close());

  const statusOf = (name: string) =>
    page.evaluate(
      (n) =>
        [...document.querySelectorAll('#jobs-table tbody tr')]
          .find((tr) => tr.querySelector('a')?.textContent === n)
          ?.getAttribute('data-status') ?? null,
      name,
    );

  it('takes the key from the printed URL, uploads a good and a broken clip, and both reach their terminal state', async () => {
    await page.goto(consoleUrl);
    await page.waitForSelector('#drop-zone');
    // The key left the address bar and lives in this tab's sessionStorage.
    expect(page.url()).toBe(`${api()}/console/#/jobs`);
    expect(await page.evaluate(() => sessionStorage.getItem('vodflow.apiKey'))).toBe(dev.state.apiKey);
    await page.waitForSelector('#live-state[data-state="live"]');
    // hls.js (600 KB) is fetched only once a job has an HLS rendition to show.
    expect(await page.evaluate(() => typeof (globalThis as { Hls?: unknown }).Hls)).toBe('undefined');
    await shot(page, '1-empty');

    const input = await page.$('#file-input');
    await input!.uploadFile(good, broken);
    await page.waitForFunction(
      () => [...document.querySelectorAll('.upload-state')].filter((s) => s.textContent?.startsWith('uploaded')).length === 2,
      { timeout: 30_000 },
    );
    // A job started by putting an object straight into the bucket shows up in the same list.
    const s3 = new S3Client({
      endpoint: dev.state.endpoints.s3,
      region: dev.state.region,
      credentials: dev.state.credentials,
      forcePathStyle: true,
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: dev.state.bucket,
        Key: 'dropped/straight-in.mp4',
        Body: await readFile(good),
        ContentType: 'video/mp4',
      }),
    );
    s3.destroy();
    await page.waitForFunction(() => document.querySelectorAll('#jobs-table tbody tr').length === 3, { timeout: 30_000 });
    await shot(page, '2-uploaded');

    const until = Date.now() + 150_000;
    let states: Array<string | null> = [];
    while (Date.now() < until) {
      states = await Promise.all(['good-clip.mp4', 'broken-clip.mp4', 'straight-in.mp4'].map(statusOf));
      if (states.every((s) => s === 'SUCCEEDED' || s === 'FAILED')) break;
      await sleep(500);
    }
    expect(states).toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    await shot(page, '3-terminal');
    // The status filter narrows the live list.
    await page.select('#status-filter', 'FAILED');
    expect(await page.$$eval('#jobs-table tbody tr', (trs) => trs.map((tr) => tr.querySelector('a')?.textContent))).toEqual([
      'broken-clip.mp4',
    ]);
    await page.select('#status-filter', '');
  }, 200_000);

  it('takes a file dropped on the drop zone the same way', async () => {
    const bytes = (await readFile(good)).toString('base64');
    await page.evaluate((data) => {
      const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'dropped-clip.mp4', { type: 'video/mp4' });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const zone = document.querySelector('#drop-zone') as unknown as { dispatchEvent(e: unknown): void };
      for (const type of ['dragover', 'drop'])
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.upload')].some(
          (li) => li.textContent?.includes('dropped-clip.mp4') && li.querySelector('.upload-state')?.textContent?.startsWith('uploaded'),
        ),
      { timeout: 30_000 },
    );
    let status: string | null = null;
    for (const until = Date.now() + 60_000; Date.now() < until && status !== 'SUCCEEDED' && status !== 'FAILED'; await sleep(500))
      status = await statusOf('dropped-clip.mp4');
    expect(status).toBe('SUCCEEDED');
  }, 90_000);

  it('plays every rendition of the good clip: MP4 natively, HLS through hls.js', async () => {
    await page.evaluate(() => [...document.querySelectorAll('#jobs-table a')].find((a) => a.textContent === 'good-clip.mp4')!.click());
    await page.waitForSelector('video[data-definition]');
    // Each step of the VOD procedure, as GetTaskInfo reports it.
    const steps = await page.$$eval('#job-tasks li', (lis) => lis.map((li) => `${li.textContent}`));
    expect(steps).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Transcode 20 ✓ success$/), expect.stringMatching(/^Transcode 210 ✓ success$/)]),
    );
    const definitions = await page.$$eval('video[data-definition]', (vs) => vs.map((v) => Number(v.getAttribute('data-definition'))));
    expect(definitions.sort((a, b) => a - b)).toEqual([0, 20, 210]); // 0 is the original, as VOD lists it
    for (const d of definitions) {
      const sel = `video[data-definition="${d}"]`;
      await page.waitForFunction((s) => (document.querySelector(s) as Video).readyState >= 2, { timeout: 20_000 }, sel);
      await page.$eval(sel, (v) => (v as Video).play());
      const start = await page.$eval(sel, (v) => (v as Video).currentTime);
      await page.waitForFunction((s, t0) => (document.querySelector(s) as Video).currentTime > t0 + 0.3, { timeout: 20_000 }, sel, start);
      await page.$eval(sel, (v) => (v as Video).pause());
    }
    // MP4 straight from the emulator; HLS through hls.js, i.e. Media Source Extensions.
    expect(await page.$eval('video[data-definition="20"]', (v) => (v as Video).src)).toMatch(/\/f0\.f20\.mp4$/);
    expect(await page.$eval('video[data-definition="210"]', (v) => (v as Video).src)).toMatch(/^blob:/);
    // Sizes and durations per rendition, the cover, and the event as it was sent.
    const text = await page.$eval('#main', (m) => (m as El).innerText);
    expect(text).toMatch(/Size\s+\d+(\.\d)? KiB/);
    expect(text).toMatch(/HLS, \d+ segments?/);
    expect(await page.$eval('#cover', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await page.waitForFunction(() => document.querySelector('#event-json')?.textContent?.includes('"type": "vodflow.video.ready"'), {
      timeout: 20_000,
    });
    await page.waitForFunction(() => document.querySelector('.destinations')?.textContent?.includes('delivered to'), { timeout: 20_000 });
    await shot(page, '4-playback');
  }, 90_000);

  it('explains the broken clip the way `vodflow jobs show` does', async () => {
    await page.goto(`${api()}/console/#/jobs?status=FAILED`);
    await page.waitForSelector('#jobs-table a');
    await page.click('#jobs-table a');
    await page.waitForSelector('#failure-reason');
    const jobId = (await page.$eval('#job-title', () => location.hash.split('/').pop()))!;
    const stored = (await (await fetch(`${api()}/jobs/${jobId}`, { headers: { 'x-api-key': dev.state.apiKey } })).json()) as {
      error: { code: number; message_en: string; action: string };
    };
    const reason = await page.$eval('#failure-reason', (el) => (el as El).innerText);
    expect(reason).toContain(String(stored.error.code));
    expect(reason).toContain(stored.error.message_en);
    expect(reason).toContain(stored.error.action);
    const cli = await page.$eval('#jobs-show-text', (el) => el.textContent ?? '');
    expect(cli).toMatch(new RegExp(`^job ${jobId}  FAILED`));
    expect(cli).toContain('why it failed');
    await page.click('.failure summary');
    await shot(page, '5-failure');
  }, 60_000);

  it('redrives a parked message from the operator view', async () => {
    // What S3 sends first to a notification queue: ingest acknowledges it once it is back.
    const testEvent = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: new Date().toISOString(),
      Bucket: dev.state.bucket,
      RequestId: 'R',
      HostId: 'H',
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: dev.stack.queues.IngestDlq!.url, MessageBody: testEvent }));
    await page.click('a[data-nav="ops"]');
    await page.waitForSelector('#queues-table tr[data-queue="ingest"] td[data-parked="1"]', { timeout: 10_000 });
    await shot(page, '6-parked');
    await page.click('#queues-table tr[data-queue="ingest"] button');
    await page.waitForFunction(
      () => document.querySelector('#redrive-result')?.textContent?.startsWith('1 message(s) moved back to ingest'),
      { timeout: 20_000 },
    );
    expect(await depth('IngestDlq')).toBe(0);
    await page.waitForSelector('#queues-table tr[data-queue="ingest"] td[data-parked="0"]', { timeout: 10_000 });
    await shot(page, '7-redriven');
  }, 60_000);

  it('sets an emulator fault from the operator view and the next upload fails with that code', async () => {
    await page.select('#f-step', 'Transcode');
    await page.type('#f-step-code', '-45001');
    await page.type('#f-step-times', '1');
    await page.click('#faults-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.startsWith('Faults applied'), { timeout: 10_000 });
    const faulted = path.join(dir, 'faulted-clip.mp4');
    await copyFile(good, faulted);
    await page.click('a[data-nav="jobs"]');
    await page.waitForSelector('#file-input');
    await (await page.$('#file-input'))!.uploadFile(faulted);
    let status: string | null = null;
    for (const until = Date.now() + 90_000; Date.now() < until; await sleep(500)) {
      status = await statusOf('faulted-clip.mp4');
      if (status === 'FAILED' || status === 'SUCCEEDED') break;
    }
    expect(status).toBe('FAILED');
    const code = await page.evaluate(
      () =>
        [...document.querySelectorAll('#jobs-table tbody tr')].find((tr) => tr.querySelector('a')?.textContent === 'faulted-clip.mp4')
          ?.textContent ?? '',
    );
    expect(code).toContain('code -45001');
    await page.click('a[data-nav="ops"]');
    await page.waitForFunction(() => document.querySelector('#faults-injected')?.textContent === 'Injected so far: failStep 1', {
      timeout: 10_000,
    });
    await shot(page, '8-faults');
    await page.click('#faults-form button[type="button"]');
    await page.waitForFunction(() => document.querySelector('#notice')?.textContent === 'All faults cleared.', { timeout: 10_000 });
    expect(problems).toEqual([]);
  }, 120_000);
});
