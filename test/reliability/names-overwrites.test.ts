// Names and overwrites as users produce them (issue #17 items 2, 3, 8), against one local stack:
// object keys outside SQS's character set reach their event; a second PUT to an upload URL is
// refused; an object overwritten while VOD pulls it never yields a video.ready naming the other
// bytes; and the HTTP API answers bad input with a true 4xx, never a 500 or an orphan job.
import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../emulator/media/fixtures';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { outcomeOf } from './support/figures';
import { recordScenario } from './support/report';
import { limitMs, SCALE } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';

// U+FFFE/U+FFFF: refused by SQS itself; emoji: by the local stand-in; the rest for good measure.
const NAMES = ['\uFFFE clip.mp4', '\uFFFF.mp4', '😀 clip.mp4', '名字 ü é.mp4', 'bidi \u202Egnp.mp4', 'c1 \u0085 next.mp4'];
/** Keys only an S3 drop can have (POST /uploads refuses control characters in a filename). */
const DROP_KEYS = ['drops/esc \u001b[31m red.mp4', 'drops/bell\u0007.mp4'];

let s: RelStack;
let s3: S3Client;
let other: Buffer;
const started = Date.now();
const figures = { names: 0, overwrites: 0, badRequests: 0, http5xx: 0, notes: [] as string[] };

beforeAll(async () => {
  s = await startRelStack({ callbackMode: 'http' });
  s3 = new S3Client({ region: s.local.region, credentials: s.local.credentials, endpoint: s.local.endpoints.s3, forcePathStyle: true });
  other = readFileSync(await makeClip({ path: path.join(s.work, 'other.mp4'), seconds: 2, width: 192, height: 144 }));
});
afterAll(async () => {
  s3?.destroy();
  await s?.close();
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const keyOf = (e: { data: Record<string, unknown> }) => (e.data.source as { key?: string } | undefined)?.key;

describe(`names and overwrites (${SCALE})`, () => {
  it(
    'every key S3 accepts reaches its event, through every queue',
    async () => {
      const jobIds = await Promise.all(NAMES.map((name) => s.submit(name)));
      for (const key of DROP_KEYS)
        await s3.send(new PutObjectCommand({ Bucket: s.local.bucket, Key: key, Body: s.clip, ContentType: 'video/mp4' }));
      const until = Date.now() + limitMs(60_000, 120_000);
      while (s.events.filter((e) => DROP_KEYS.includes(keyOf(e) ?? '')).length < DROP_KEYS.length && Date.now() < until)
        await new Promise((r) => setTimeout(r, 250));
      const dropJobs = s.events.filter((e) => DROP_KEYS.includes(keyOf(e) ?? '')).map((e) => e.subject);
      const all = [...jobIds, ...dropJobs];
      await s.settle(all, limitMs(60_000, 120_000));
      const out = outcomeOf(all, await s.jobs(), s.events);
      figures.names = NAMES.length + DROP_KEYS.length;
      figures.notes.push(
        `${figures.names} names (U+FFFE, U+FFFF, emoji, CJK, bidi override, C1/C0 controls): ${out.succeeded} ready, ${out.lost.length} lost`,
      );
      expect(dropJobs.length, 'S3 drops with control characters have their events').toBe(DROP_KEYS.length);
      expect(out.lost).toEqual([]);
      expect(out.succeeded).toBe(all.length);
      for (const [i, name] of NAMES.entries()) {
        const event = s.events.find((e) => e.subject === jobIds[i]);
        expect(event?.type).toBe('vodflow.video.ready');
        expect(keyOf(event!), 'the event names the key as stored').toBe(`uploads/${jobIds[i]}/${name}`);
      }
    },
    limitMs(150_000, 300_000),
  );

  it(
    'a second PUT to an upload URL is refused with 412, and the first upload is what VOD gets',
    async () => {
      const res = await fetch(`${s.local.endpoints.httpApi}/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': s.local.secrets.apiKey },
        body: JSON.stringify({ filename: 'twice.mp4', contentType: 'video/mp4', size: s.clip.length }),
      });
      const { jobId, upload } = (await res.json()) as { jobId: string; upload: { url: string; headers: Record<string, string> } };
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: s.clip })).status).toBe(200);
      const second = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: s.clip });
      expect(second.status, 'before: 200, and the second upload was silently ignored').toBe(412);
      const wrongSize = await fetch(upload.url.replace('twice', 'twice'), {
        method: 'PUT',
        headers: upload.headers,
        body: Buffer.concat([s.clip, Buffer.alloc(1)]),
      });
      expect(wrongSize.status, 'a body of another size than declared').toBe(403);
      const [job] = await s.settle([jobId], limitMs(60_000, 120_000));
      expect(job?.status).toBe('SUCCEEDED');
      figures.overwrites++;
    },
    limitMs(90_000, 180_000),
  );

  it(
    'an object overwritten under VOD never gives a video.ready naming the other bytes',
    async () => {
      // The S3 drop path (no upload URL): put, then overwrite at once with other bytes.
      const key = 'drops/overwritten.mp4';
      const first = await s3.send(new PutObjectCommand({ Bucket: s.local.bucket, Key: key, Body: s.clip, ContentType: 'video/mp4' }));
      const second = await s3.send(new PutObjectCommand({ Bucket: s.local.bucket, Key: key, Body: other, ContentType: 'video/mp4' }));
      expect(first.ETag).not.toBe(second.ETag);
      const until = Date.now() + limitMs(60_000, 120_000);
      const mine = () => s.events.filter((e) => keyOf(e) === key);
      while (mine().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
      const events = mine();
      expect(events.length, 'a re-upload under the same key is a new job: two jobs, two events').toBe(2);
      for (const e of events) {
        const etag = (e.data.source as { etag: string }).etag;
        if (e.type !== 'vodflow.video.ready') {
          expect(etag, 'only the overwritten version may fail').toBe(first.ETag!.replaceAll('"', ''));
          expect(JSON.stringify(e.data.error)).toMatch(/MD5/);
          continue;
        }
        // The ready event's etag is the MD5 of the bytes VOD pulled (the emulator checked it).
        expect([md5(s.clip), md5(other)]).toContain(etag);
      }
      expect(
        events.some((e) => e.type === 'vodflow.video.ready' && (e.data.source as { etag: string }).etag === md5(other)),
        'the current version is ready',
      ).toBe(true);
      figures.overwrites++;
      figures.notes.push(
        `overwrite under VOD: ${events.map((e) => `${e.type.replace('vodflow.video.', '')} for ${(e.data.source as { etag: string }).etag === md5(other) ? 'the new' : 'the old'} version`).join(', ')}`,
      );
    },
    limitMs(120_000, 240_000),
  );

  it('answers bad input with a true 4xx and leaves no reservation behind', async () => {
    const before = (await s.jobs()).length;
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['/uploads', { method: 'POST', body: '{"filename":"\\ud800.mp4","contentType":"video/mp4","size":10}' }, 400, /body\.filename/],
      ['/uploads', { method: 'POST', body: '{"filename": "a.mp4",' }, 400, /not valid JSON/],
      ['/uploads', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } }, 415, /application\/json/],
    ];
    const token = s.local.secrets.callbackToken;
    const hook = (body: unknown) =>
      fetch(`${s.local.endpoints.httpApi}/vod/callback/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const [route, init, status, message] of cases) {
      const res = await s.api(route, init);
      figures.badRequests++;
      if (res.status >= 500) figures.http5xx++;
      expect(res.status, `${route} ${String(init.body).slice(0, 40)}`).toBe(status);
      expect(res.text).toMatch(message);
    }
    const longTask = await hook({
      version: '4.0',
      eventType: 'PullComplete',
      data: { status: 0, message: '', vodTaskId: 'x'.repeat(3000), fileId: '1', fileUrl: 'http://x/' },
    });
    expect(longTask.status, 'before: 500').toBe(400);
    for (const body of [{ version: '4.0', eventType: 'E'.repeat(1_000_000), data: {} }, { eventType: 'E'.repeat(1_000_000) }]) {
      const huge = await hook(body);
      expect(huge.status).toBe(400);
      expect((await huge.text()).length, 'the answer does not echo a megabyte').toBeLessThan(2_000);
      figures.badRequests++;
    }
    figures.badRequests++;
    expect((await s.jobs()).length, 'no orphan reservation').toBe(before);
    expect(s.http5xx()).toBe(0);
  });
});

afterAll(async () => {
  const jobs = s ? await s.jobs() : [];
  const out = outcomeOf(
    jobs.map((j) => j.jobId),
    jobs,
    s?.events ?? [],
  );
  await recordScenario('names-overwrites', 'Names outside SQS’s set, overwrites, bad answers', started, {
    requestsTried: figures.names + figures.overwrites + figures.badRequests,
    faultsInjected: figures.overwrites,
    jobsHeld: out.held,
    succeeded: out.succeeded,
    failed: out.failed,
    lost: out.lost.length,
    duplicated: out.duplicateJobs.length,
    crashes: 0,
    http5xx: figures.http5xx,
    maxAttempts: out.maxAttempts,
    backoff: `names tried ${figures.names}; overwrites ${figures.overwrites}; bad requests ${figures.badRequests}`,
    notes: figures.notes,
  });
});
