// Nobody gets in who does not belong, and nothing secret comes out. Against one local stack:
// the HTTP API (keys, bodies, sizes, hostile requests), client upload signatures used against the
// emulator (expiry, one-time use), the VOD webhook (token, unknown task, a claim contradicted by
// the fetch-back, a replay), and finally every log line, HTTP answer and event of the run
// searched for the secrets.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT } from '../../emulator';
import { issueUploadSignature } from '../../lib/vod/upload-signature';
import { mulberry32 as prng } from '../../emulator/prng';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';

let s: RelStack;
const started = Date.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  s = await startRelStack({ callbackMode: 'http' });
});
afterAll(async () => s?.close());

const uploadBody = (o: Record<string, unknown> = {}) => JSON.stringify({ filename: 'a.mp4', contentType: 'video/mp4', size: 1000, ...o });
const fieldsOf = (json: any): string[] => (json?.fields ?? []).map((f: { field: string }) => f.field);

describe(`HTTP API (${SCALE})`, () => {
  const figures = { tried: 0, http5xx: 0 };

  it('refuses requests without a valid API key', async () => {
    const routes: Array<[string, RequestInit]> = [
      ['/uploads', { method: 'POST', body: uploadBody() }],
      ['/jobs/up-aaaaaaaaaaaaaaaaaaaaaaaaaa', { method: 'GET' }],
      ['/upload-signatures', { method: 'POST', body: '{}' }],
    ];
    const key = s.local.secrets.apiKey;
    for (const [route, init] of routes) {
      for (const apiKey of [null, '', 'wrong', key.toUpperCase(), `${key}x`, key.slice(0, -1), `${key},${key}`, `other,${key}`]) {
        const res = await s.api(route, { ...init, apiKey });
        figures.tried++;
        expect([401, 403], `${route} with key ${JSON.stringify(apiKey)}`).toContain(res.status);
      }
      // The key in the query string or another header does not count.
      const q = await s.api(`${route}?x-api-key=${key}&apiKey=${key}`, {
        ...init,
        apiKey: null,
        headers: { authorization: `Bearer ${key}` },
      });
      figures.tried++;
      expect([401, 403]).toContain(q.status);
    }
  });

  it('answers bad bodies with a 4xx naming the field', async () => {
    const cases: Array<[string, string[]]> = [
      [JSON.stringify({ contentType: 'video/mp4', size: 10 }), ['body.filename']],
      [uploadBody({ filename: '../../etc/passwd.mp4' }), ['body.filename']],
      [uploadBody({ filename: 'a\u0000b.mp4' }), ['body.filename']],
      [uploadBody({ filename: 'notes.txt' }), ['body.filename']],
      [uploadBody({ contentType: 'text/html' }), ['body.contentType']],
      [uploadBody({ size: '1000' }), ['body.size']],
      [uploadBody({ size: -1 }), ['body.size']],
      [uploadBody({ size: 1.5 }), ['body.size']],
      [uploadBody({ passthrough: 'x'.repeat(256) }), ['body.passthrough']],
      [uploadBody({ passthrough: 42 }), ['body.passthrough']],
    ];
    for (const [body, fields] of cases) {
      const res = await s.api('/uploads', { method: 'POST', body });
      figures.tried++;
      expect(res.status, body).toBe(400);
      expect(fieldsOf(res.json), body).toEqual(expect.arrayContaining(fields));
    }
    for (const body of ['{"filename":', 'null', '[]', '"x"']) {
      const res = await s.api('/uploads', { method: 'POST', body });
      figures.tried++;
      expect(res.status, body).toBeGreaterThanOrEqual(400);
      expect(res.status, body).toBeLessThan(500);
    }
    const job = await s.api('/jobs/..%2F..%2Fetc%2Fpasswd');
    figures.tried++;
    expect([400, 404]).toContain(job.status);
  });

  it('refuses oversized uploads at create-upload', async () => {
    const max = 5 * 1024 ** 3;
    const over = await s.api('/uploads', { method: 'POST', body: uploadBody({ size: max + 1 }) });
    const at = await s.api('/uploads', { method: 'POST', body: uploadBody({ size: max }) });
    figures.tried += 2;
    expect(over.status).toBe(400);
    expect(fieldsOf(over.json)).toContain('body.size');
    expect(at.status).toBe(201);
    // A body past API Gateway's 10 MiB never reaches a handler.
    // (On a connection of its own: the gateway answers before reading it all and drops the socket.)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${s.local.endpoints.httpApi}/uploads`,
        { method: 'POST', agent: false, headers: { 'x-api-key': s.local.secrets.apiKey, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(`{"filename":"${'a'.repeat(11 * 1024 * 1024)}"}`);
    });
    figures.tried++;
    expect(status).toBe(413);
  });

  it(`answers ${size('httpRequests')} hostile requests with 4xx, never 5xx`, async () => {
    const rand = prng(77);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const values = [
      null,
      true,
      0,
      -1,
      1e308,
      'x'.repeat(10_000),
      '../../a.mp4',
      '<script>',
      { $ne: 1 },
      [],
      ['a'],
      '\u202e.mp4',
      'a.mp4',
      'video/mp4',
      12345,
    ];
    const keys = [
      'filename',
      'contentType',
      'size',
      '__proto__',
      'constructor',
      'validitySeconds',
      'classId',
      'procedure',
      'oneTimeValid',
      'sourceContext',
      'x',
    ];
    const statuses: Record<string, number> = {};
    for (let i = 0; i < size('httpRequests'); i++) {
      const body: Record<string, unknown> = {};
      for (let n = Math.floor(rand() * 5); n > 0; n--) body[pick(keys)] = pick(values);
      const route = pick([
        '/uploads',
        '/upload-signatures',
        '/jobs/%00',
        '/jobs/up-aaaaaaaaaaaaaaaaaaaaaaaaaa',
        `/jobs/${'a'.repeat(300)}`,
        '/nope',
      ]);
      const method = route.startsWith('/jobs') ? 'GET' : 'POST';
      const res = await s.api(route, {
        method,
        ...(method === 'POST' ? { body: rand() < 0.1 ? '{"__proto__":{"admin":true}}' : JSON.stringify(body) } : {}),
        apiKey: rand() < 0.1 ? 'guess' : undefined,
      });
      figures.tried++;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status >= 500) figures.http5xx++;
    }
    await recordScenario('http-api', `HTTP API: keys, bodies, sizes, ${size('httpRequests')} hostile requests`, started, {
      requestsTried: figures.tried,
      faultsInjected: figures.tried,
      jobsHeld: 0,
      succeeded: 0,
      failed: 0,
      lost: 0,
      duplicated: 0,
      crashes: 0,
      http5xx: figures.http5xx,
      maxAttempts: 0,
      backoff: 'n/a',
      notes: [`answers to the hostile requests by status: ${JSON.stringify(statuses)}`],
    });
    expect(figures.http5xx).toBe(0);
  });
});

describe('client upload signatures against the emulator', () => {
  const initUploadEx = async (signature: string, name: string) => {
    const bytes = Buffer.from(name.repeat(100));
    const q = new URLSearchParams({
      Action: 'InitUploadEx',
      signature,
      fileSha: createHash('sha1').update(bytes).digest('hex'),
      fileSize: String(bytes.length),
      dataSize: '1024',
      fileName: `${name}.mp4`,
    });
    const res = await fetch(`${s.local.emulator!.url}/v2/index.php?${q}`);
    return (await res.json()) as { code: number; message: string };
  };

  it('a one-time signature opens one upload, not a second one', async () => {
    const issued = await s.api('/upload-signatures', { method: 'POST', body: JSON.stringify({ validitySeconds: 120 }) });
    expect(issued.status).toBe(201);
    const { signature, expiresAt, oneTimeValid } = issued.json as { signature: string; expiresAt: string; oneTimeValid: boolean };
    expect(oneTimeValid).toBe(true);
    expect(Math.abs(Date.parse(expiresAt) - Date.now() - 120_000)).toBeLessThan(5_000);
    expect((await initUploadEx(signature, 'first')).code).toBe(0);
    expect((await initUploadEx(signature, 'again')).code, 'the same one-time signature for another file').toBe(-10002);
  });

  it('expired, forged and tampered signatures never work; validity is bounded', async () => {
    const { signature } = (
      await s.api('/upload-signatures', { method: 'POST', body: JSON.stringify({ validitySeconds: 120, oneTimeValid: false }) })
    ).json as { signature: string };
    expect((await initUploadEx(signature, 'reusable')).code).toBe(0);
    // Too long a validity is refused at the API, naming the field.
    const long = await s.api('/upload-signatures', { method: 'POST', body: JSON.stringify({ validitySeconds: 10 ** 9 }) });
    expect(long.status).toBe(400);
    expect(fieldsOf(long.json)).toContain('body.validitySeconds');
    // Issued an hour ago for a minute, with the account's own key: expired.
    const expired = issueUploadSignature({
      secretId: DEV_ACCOUNT.secretId,
      secretKey: DEV_ACCOUNT.secretKey,
      validitySeconds: 60,
      now: Math.floor(Date.now() / 1000) - 3600,
      oneTimeValid: false,
    });
    expect((await initUploadEx(expired.signature, 'late')).code).toBe(-10002);
    // Signed with another key, or tampered: refused.
    const forged = issueUploadSignature({ secretId: DEV_ACCOUNT.secretId, secretKey: 'not-the-key', validitySeconds: 600 });
    expect((await initUploadEx(forged.signature, 'forged')).code).toBe(-10002);
    const raw = Buffer.from(signature, 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect((await initUploadEx(raw.toString('base64'), 'tampered')).code).toBe(-10002);
  });
});

describe('VOD webhook', () => {
  const post = (token: string, body: unknown) =>
    fetch(`${s.local.endpoints.httpApi}/vod/callback/${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const procedureEvent = (vodTaskId: string, fileId: string, errCode: number) => ({
    version: '4.0',
    eventType: 'ProcedureStateChanged',
    data: { vodTaskId, status: 'FINISH', errCode, message: errCode ? 'transcode failed' : '', fileId, processTaskList: [] },
  });

  it('wrong token, unknown task, a contradicted claim and a replay emit nothing and log why', async () => {
    const jobId = await s.submit('webhook.mp4');
    const [job] = await s.settle([jobId], 40_000);
    expect(job?.status).toBe('SUCCEEDED');
    const eventsBefore = s.events.length;
    const token = s.local.secrets.callbackToken;
    const mark = s.capture.logs.length;
    const since = () => s.capture.logs.slice(mark);

    const wrong = await post(`${token}x`, procedureEvent(job!.vodTaskId!, job!.fileId!, 0));
    expect(wrong.status).toBe(404);
    expect(since().some((l) => /no such callback/.test(JSON.stringify(l)))).toBe(true);

    const unknown = await post(token, procedureEvent('1250000000-Procedure-00000000000000000000000000000000', '1', 0));
    expect(unknown.status).toBe(200);
    expect(since().some((l) => /did not start/.test(String(l.message)))).toBe(true);

    const replay = await post(token, procedureEvent(job!.vodTaskId!, job!.fileId!, 0));
    expect(replay.status).toBe(200);
    expect(since().some((l) => /already reported|duplicate/.test(String(l.message)) && l.vodTaskId === job!.vodTaskId)).toBe(true);

    // A forged failure for a task that succeeded: the fetch-back (GetTaskInfo) is what counts.
    const forged = await post(token, procedureEvent(job!.vodTaskId!, job!.fileId!, -45001));
    expect(forged.status).toBe(200);
    expect(((await forged.json()) as { result: string }).result).not.toBe('reported');

    const bad = await post(token, { eventType: 'ProcedureStateChanged', data: { vodTaskId: 7 } });
    expect(bad.status).toBe(400);

    await s.local.waitForIdle({ timeoutMs: 10_000 });
    await sleep(1500);
    expect(s.events.length - eventsBefore, 'events after hostile callbacks').toBe(0);
    expect(((await s.api(`/jobs/${jobId}`)).json as { status: string }).status).toBe('SUCCEEDED');
  });

  it('logs why when a callback claims what the fetch-back contradicts', async () => {
    // The claim (FINISH, failed) comes while VOD still runs the task: it must not be trusted, and
    // the log must say why nothing happened. VOD's own callbacks are off meanwhile.
    s.local.emulator!.setCallback(undefined, 'none');
    const jobId = await s.submit('claim.mp4');
    let vodTaskId: string | undefined;
    const until = Date.now() + 20_000;
    while (!vodTaskId && Date.now() < until) {
      const job = (await s.jobs()).find((j) => j.jobId === jobId);
      if (job?.status === 'PROCESSING') vodTaskId = job.vodTaskId;
      else await sleep(20);
    }
    expect(vodTaskId).toBeDefined();
    const mark = s.capture.logs.length;
    const res = await post(s.local.secrets.callbackToken, procedureEvent(vodTaskId!, '1', -45001));
    expect(res.status).toBe(200);
    const lines = s.capture.logs.slice(mark).filter((l) => l.vodTaskId === vodTaskId);
    await s.settle([jobId], 40_000);
    s.local.emulator!.setCallback(s.local.callbackUrl, 'http');
    expect(s.events.filter((e) => e.subject === jobId).map((e) => e.type)).toEqual(['vodflow.video.ready']);
    expect(lines.map((l) => l.message).join(' | '), 'a log line saying the callback and GetTaskInfo disagree').toMatch(
      /disagree|contradict|does not match|mismatch|does not \(yet\) mean/i,
    );
  });
});

describe('secrets', () => {
  it('never appear in logs, errors, HTTP answers or events of the run', async () => {
    // One more failure path, so error logs are in the haystack too.
    await s.settle([await s.submit('broken.mp4', Buffer.from('not a video '.repeat(100)))], 40_000);
    const secrets: Record<string, string> = {
      'VOD SecretKey': DEV_ACCOUNT.secretKey,
      'API key': s.local.secrets.apiKey,
      'callback token': s.local.secrets.callbackToken,
      'event signing secret': s.local.secrets.eventSigningSecret,
      'AWS secret key (local)': s.local.credentials.secretAccessKey,
    };
    const haystack = [...s.capture.text, ...s.capture.extra];
    const leaks = Object.entries(secrets).flatMap(([name, value]) =>
      haystack.filter((t) => t.includes(value) || t.includes(encodeURIComponent(value))).map((t) => `${name} in: ${t.slice(0, 200)}`),
    );
    await recordScenario('secrets', 'Secrets in logs, answers and events', started, {
      requestsTried: haystack.length,
      faultsInjected: 0,
      jobsHeld: s.events.length,
      succeeded: s.events.filter((e) => e.type === 'vodflow.video.ready').length,
      failed: s.events.filter((e) => e.type === 'vodflow.video.failed').length,
      lost: 0,
      duplicated: 0,
      crashes: 0,
      http5xx: 0,
      maxAttempts: 0,
      backoff: 'n/a',
      notes: [
        `searched ${haystack.length} captured writes (${s.capture.logs.length} structured log lines, ${s.capture.extra.length} HTTP answers and events) for ${Object.keys(secrets).join(', ')}: ${leaks.length} leak(s)${leaks.length ? ` — ${leaks.slice(0, 3).join(' | ')}` : ''}`,
      ],
    });
    expect(s.capture.logs.length).toBeGreaterThan(50);
    expect(leaks).toEqual([]);
  });
});
