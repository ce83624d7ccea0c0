// Subscriber deliveries off the critical path: the outbox hands the terminal event to the deliver
// queue, deliver-event POSTs it signed with each subscriber's own secret to a real local HTTP
// server (127.0.0.1, port 0) that fails the first tries, and the deliveries are checked with the
// `standardwebhooks` package itself. The 24 h window is tested through `firstAttemptAt` and a
// simulated clock, not by waiting.
import '../support/quiet';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config';
import { subscriberId } from '../../lib/events/subscribers';
import { jobs } from '../../lib/jobs';
import type { DeliverEvent } from '../../lib/messages';
import { nextTry } from '../../lib/pipeline/deliver';
import { putObject } from '../support/s3-notify';
import { drainQueue, pumpOnce, runUntil } from '../support/stack';
import { startHarness, type Harness } from './harness';

const secret = (s: string) => `whsec_${Buffer.from(s.padEnd(32, '!')).toString('base64')}`;
const SHARED = secret('vodflow-shared-signing-secret');
const SECRET_A = secret('subscriber-a-own-secret');
const SECRET_B = secret('subscriber-b-own-secret');

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

let h: Harness;
let server: Server;
let base = '';
const received = new Map<string, Delivery[]>();
/** Per path: how many first requests answer 503 (then 204). */
const failFirst = new Map<string, number>([
  ['/a', 2],
  ['/down', Number.POSITIVE_INFINITY],
  ['/late', Number.POSITIVE_INFINITY],
]);
const got = (path: string) => received.get(path) ?? [];

beforeAll(async () => {
  h = await startHarness();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const list = received.get(path) ?? [];
      list.push({ headers: req.headers as Record<string, string>, body });
      received.set(path, list);
      res.writeHead(list.length <= (failFirst.get(path) ?? 0) ? 503 : 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  configure();
});

const subscribers = () => [
  { url: `${base}/a`, secret: SECRET_A },
  { url: `${base}/b`, secret: SECRET_B, types: ['vodflow.video.failed'] },
  { url: `${base}/shared` },
  { url: `${base}/down`, secret: SECRET_A },
];
const configure = (more: object[] = []) =>
  h.env({ EVENT_SIGNING_SECRET: SHARED, EVENT_RETRY_BASE_DELAY_S: '0', EVENT_SUBSCRIBERS: JSON.stringify([...subscribers(), ...more]) });
afterAll(async () => {
  server?.close();
  await h?.close();
});

let readyJobId = '';

describe('deliver-event', () => {
  it('delivers video.ready to each subscriber that takes it, retrying failures, signed with its own secret', async () => {
    await putObject(h.stack, 'in/subscribed.mp4', h.goodClip);
    readyJobId = await h.jobIdOf('in/subscribed.mp4');
    await h.settle(readyJobId);
    // Only subscribers' own chains are left: the job is terminal and its event is on the events queue.
    await runUntil(h.stack, h.handlers, async () => got('/a').length >= 3 && got('/shared').length >= 1);

    expect(await h.events()).toHaveLength(1);
    const a = got('/a');
    expect(a).toHaveLength(3); // 503, 503, then 204: no fourth try
    for (const d of a) {
      expect(new Webhook(SECRET_A).verify(d.body, d.headers)).toMatchObject({ id: `${readyJobId}.ready`, type: 'vodflow.video.ready' });
      expect(d.headers['webhook-id']).toBe(`${readyJobId}.ready`);
      expect(() => new Webhook(SHARED).verify(d.body, d.headers)).toThrow();
    }
    const shared = got('/shared');
    expect(shared).toHaveLength(1);
    expect(new Webhook(SHARED).verify(shared[0]!.body, shared[0]!.headers)).toMatchObject({ subject: readyJobId });
    expect(() => new Webhook(SECRET_A).verify(shared[0]!.body, shared[0]!.headers)).toThrow();
    // b takes only video.failed.
    expect(got('/b')).toHaveLength(0);

    const job = (await jobs().getJob(readyJobId))!;
    expect(job.done[`deliver#${subscriberId(`${base}/a`)}#2`]).toBe(true);
    expect(job.done[`deliver#${subscriberId(`${base}/a`)}#1`]).toBeUndefined(); // superseded by the next try
    expect(job.eventDeliveredTo).toEqual(expect.arrayContaining(['sqs', `${base}/a`, `${base}/shared`, `${base}/down`]));
    expect(job.eventDeliveredTo).not.toContain(`${base}/b`);
  });

  it('delivers video.failed to the subscriber filtering on it', async () => {
    await putObject(h.stack, 'in/subscribed-broken.mp4', h.brokenClip);
    const jobId = await h.jobIdOf('in/subscribed-broken.mp4');
    await h.settle(jobId);
    await runUntil(h.stack, h.handlers, async () => got('/b').length >= 1);
    const b = got('/b');
    expect(b).toHaveLength(1);
    expect(new Webhook(SECRET_B).verify(b[0]!.body, b[0]!.headers)).toMatchObject({ id: `${jobId}.failed`, type: 'vodflow.video.failed' });
    expect(await h.events()).toHaveLength(1);
  });

  const message = (over: Partial<DeliverEvent>): DeliverEvent => {
    const event = JSON.parse(got('/a').at(-1)!.body) as DeliverEvent['event'];
    return {
      v: 1,
      type: 'deliver-event',
      jobId: readyJobId,
      attempt: 1,
      url: `${base}/late`,
      event,
      seq: 100,
      firstAttemptAt: Date.now(),
      ...over,
    };
  };
  const send = async (m: DeliverEvent) =>
    h.stack.sqs.send(new SendMessageCommand({ QueueUrl: h.stack.queueUrl('deliver'), MessageBody: JSON.stringify(m) }));

  it('keeps retrying inside the 24 h window and gives up past it (the message fails toward the DLQ)', async () => {
    // A subscriber added now (no chain of its own yet); the /down chains still retrying are dropped.
    configure([{ url: `${base}/late`, secret: SECRET_A }]);
    await drainQueue(h.stack, 'deliver');
    const before = got('/late').length;

    await send(message({ firstAttemptAt: Date.now() - 23 * 3600_000 }));
    expect(await pumpOnce(h.stack, 'deliver', h.handlers.deliver!)).toEqual({ received: 1, failed: 0 });
    expect(got('/late')).toHaveLength(before + 1);
    const [next] = (await drainQueue(h.stack, 'deliver')) as DeliverEvent[];
    expect(next).toMatchObject({ seq: 101, url: `${base}/late` });
    expect(next!.firstAttemptAt).toBeLessThan(Date.now() - 23 * 3600_000 + 1000);

    const late = message({ seq: 200, firstAttemptAt: Date.now() - 24 * 3600_000 - 1000 });
    await send(late);
    expect(await pumpOnce(h.stack, 'deliver', h.handlers.deliver!)).toEqual({ received: 1, failed: 1 });
    expect(got('/late')).toHaveLength(before + 2); // tried once more, then failed
    // No next link: only the failed message itself is back on the queue (SQS moves it to the DLQ after maxReceiveCount).
    const left = (await drainQueue(h.stack, 'deliver')) as DeliverEvent[];
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ seq: 200 });
  });

  it('lets a wait past 900 s hop through the queue without calling the subscriber', async () => {
    const before = got('/late').length;
    const dueAt = Date.now() + 2000 * 1000;
    await send(message({ seq: 300, dueAt }));
    expect(await pumpOnce(h.stack, 'deliver', h.handlers.deliver!)).toEqual({ received: 1, failed: 0 });
    expect(got('/late')).toHaveLength(before);
    // The hop carries the same try, still due at the same time (fauxqs holds it for its 900 s delay).
    const { Attributes } = await h.stack.sqs.send(
      new (await import('@aws-sdk/client-sqs')).GetQueueAttributesCommand({
        QueueUrl: h.stack.queueUrl('deliver'),
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(Number(Attributes?.ApproximateNumberOfMessagesDelayed)).toBe(1);
  });
});

describe('retry schedule', () => {
  const retry = { baseDelayS: 30, maxDelayS: 3600, windowS: 86_400 };

  it('grows the ceiling exponentially up to the cap and retries for at least 24 h (simulated clock)', () => {
    const start = 1_700_000_000_000;
    let now = start;
    let msg: DeliverEvent = {
      v: 1,
      type: 'deliver-event',
      jobId: 'j',
      attempt: 1,
      url: 'https://hooks.example.com/',
      event: undefined as never,
      seq: 0,
      firstAttemptAt: start,
    };
    const waits: number[] = [];
    for (;;) {
      const next = nextTry(msg, retry, now, () => 1);
      if (!next) break;
      const waitS = next.message.dueAt ? (next.message.dueAt - now) / 1000 : next.delaySeconds;
      expect(next.delaySeconds).toBeLessThanOrEqual(900); // SQS's cap per hop
      waits.push(waitS);
      now += waitS * 1000;
      msg = next.message;
    }
    expect(waits.slice(0, 4)).toEqual([60, 120, 240, 480]);
    expect(Math.max(...waits)).toBe(3600);
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThanOrEqual(waits[i - 1]!);
    expect(now - start).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(now - start).toBeLessThan(25 * 3600_000);
    // With full jitter the waits are random in [1, ceiling]: never zero, never above the ceiling.
    const jittered = nextTry({ ...msg, seq: 2, firstAttemptAt: now }, retry, now, () => 0)!;
    expect(jittered.delaySeconds).toBe(1);
  });

  it('parses per-subscriber entries and rejects malformed ones naming EVENT_SUBSCRIBERS', () => {
    const env = {
      JOBS_TABLE: 't',
      UPLOAD_BUCKET: 'b',
      UPLOAD_QUEUE: 'u',
      PROCESS_QUEUE: 'p',
      POLL_QUEUE: 'q',
      RESULT_QUEUE: 'r',
      CLASSIFY_QUEUE: 'c',
      EVENTS_QUEUE: 'e',
      DELIVER_QUEUE: 'd',
      VOD_SECRET_ID: 'i',
      VOD_SECRET_KEY: 'k',
    };
    const cfg = parseConfig({
      ...env,
      EVENT_SUBSCRIBERS: JSON.stringify([
        { url: 'https://a.example/h', secretParam: '/vodflow/prod/subscribers/a', types: ['vodflow.video.ready'] },
      ]),
    });
    expect(cfg.events.subscribers).toEqual([
      { url: 'https://a.example/h', secretParam: '/vodflow/prod/subscribers/a', types: ['vodflow.video.ready'] },
    ]);
    expect(
      parseConfig({ ...env, EVENT_SUBSCRIBERS: 'https://a.example/h, https://b.example/h', EVENT_SIGNING_SECRET: 's' }).events.subscribers,
    ).toEqual([{ url: 'https://a.example/h' }, { url: 'https://b.example/h' }]);
    expect(() => parseConfig({ ...env, EVENT_SUBSCRIBERS: '[{"url":' })).toThrow(
      /EVENT_SUBSCRIBERS: expected comma-separated URLs or a JSON array/,
    );
    expect(() =>
      parseConfig({ ...env, EVENT_SUBSCRIBERS: JSON.stringify([{ url: 'https://a.example/h', secret: 'x', types: ['video.ready'] }]) }),
    ).toThrow(/EVENT_SUBSCRIBERS/);
    expect(() =>
      parseConfig({
        ...env,
        EVENT_SUBSCRIBERS: JSON.stringify([
          { url: 'https://a.example/h', secret: 'x' },
          { url: 'https://a.example/h', secret: 'y' },
        ]),
      }),
    ).toThrow(/appears twice/);
    // An entry without a secret of its own needs the shared one.
    expect(() => parseConfig({ ...env, EVENT_SUBSCRIBERS: JSON.stringify([{ url: 'https://a.example/h' }]) })).toThrow(
      /EVENT_SIGNING_SECRET/,
    );
  });
});
