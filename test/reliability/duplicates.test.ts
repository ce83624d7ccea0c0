// Duplicate deliveries at every hop of the HTTP-callback flow: each S3 notification sent twice,
// every internal SQS message sent twice, every VOD callback delivered twice at once and replayed
// later. One pull and one procedure per video, one event per job.
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3EventRecord } from '../support/s3-notify';
import { startCallbackRelay, type CallbackRelay } from './support/callback-relay';
import { duplicateSends, type DuplicateSends } from './support/duplicate-sends';
import { outcomeFigures, outcomeOf } from './support/figures';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';

const CLIPS = size('duplicateClips');
let s: RelStack;
let relay: CallbackRelay;
let dup: DuplicateSends;
const started = Date.now();

beforeAll(async () => {
  s = await startRelStack({ callbackMode: 'http' });
  relay = await startCallbackRelay(s.local.callbackUrl!, 1500);
  s.local.emulator!.setCallback(relay.url, 'http');
  const internal = ['upload', 'process', 'poll', 'result', 'classify'].map((q) => `${s.local.stage}-${q}`);
  dup = duplicateSends((url) => internal.some((q) => url.endsWith(`vodflow-${q}`)));
});
afterAll(async () => {
  dup?.stop();
  await relay?.close();
  await s?.close();
});

describe(`duplicates at every hop (${SCALE})`, () => {
  it(
    'start one pull and one procedure per video and emit one event per job',
    async () => {
      const s3 = new S3Client({
        region: s.local.region,
        credentials: s.local.credentials,
        endpoint: s.local.endpoints.s3,
        forcePathStyle: true,
      });
      const jobIds: string[] = [];
      for (let i = 0; i < CLIPS; i++) {
        const jobId = await s.submit(`dup-${i}.mp4`);
        jobIds.push(jobId);
        // S3 notifies again: the same record as the bridge sent, from the stored object.
        const key = `uploads/${jobId}/dup-${i}.mp4`;
        const head = await s3.send(new HeadObjectCommand({ Bucket: s.local.bucket!, Key: key }));
        const notification = {
          Records: [s3EventRecord(s.local.bucket!, key, head.ContentLength ?? 0, (head.ETag ?? '').replaceAll('"', ''))],
        };
        await s.sqs.send(new SendMessageCommand({ QueueUrl: s.local.queues.IngestQueue!.url, MessageBody: JSON.stringify(notification) }));
      }
      s3.destroy();
      await s.settle(jobIds, limitMs(60_000, 150_000));
      await new Promise((r) => setTimeout(r, 2500)); // the replays of the last callbacks
      await s.local.waitForIdle({ timeoutMs: 20_000 });

      const out = outcomeOf(jobIds, await s.jobs(), s.events);
      const calls = s.proxy.calls.filter((c) => c.end === 'answered' && c.code === 0);
      const pulls = calls.filter((c) => c.action === 'MultiPullVodFile').length;
      const procedures = calls.filter((c) => c.action === 'ProcessFile').length;
      const duplicateAcks = s.capture.find((l) =>
        /duplicate|already reported|already handled|nothing to do/.test(String(l.message)),
      ).length;
      const extraSends = Object.values(dup.copies).reduce((a, b) => a + b, 0);

      await recordScenario('duplicates', `Duplicates at every hop (S3, SQS, callbacks): ${CLIPS} clips`, started, {
        requestsTried: s.proxy.calls.length,
        faultsInjected: CLIPS + extraSends + (relay.delivered / 3) * 2,
        ...outcomeFigures(out, pulls - CLIPS + (procedures - CLIPS)),
        crashes: 0,
        http5xx: relay.answers.filter((a) => a.status >= 500).length,
        backoff: 'n/a (no faults)',
        notes: [
          `duplicates injected: ${CLIPS} S3 notifications, ${extraSends} internal SQS messages (${JSON.stringify(dup.copies)}), ${relay.delivered} webhook deliveries for ${relay.delivered / 3} callbacks (each twice at once + one replay)`,
          `VOD work: ${pulls} MultiPullVodFile, ${procedures} ProcessFile for ${CLIPS} videos; ${duplicateAcks} log lines acknowledging a duplicate`,
        ],
      });

      expect(extraSends, 'internal messages duplicated').toBeGreaterThanOrEqual(CLIPS * 4);
      expect(relay.delivered).toBeGreaterThanOrEqual(CLIPS * 2 * 3);
      expect(relay.answers.every((a) => a.status === 200)).toBe(true);
      expect(out.lost).toEqual([]);
      expect(out.succeeded).toBe(CLIPS);
      expect(pulls, 'MultiPullVodFile calls').toBe(CLIPS);
      expect(procedures, 'ProcessFile calls').toBe(CLIPS);
      expect(out.duplicateIds).toEqual([]);
      expect(out.duplicateJobs).toEqual([]);
      expect(s.events).toHaveLength(CLIPS);
    },
    limitMs(90_000, 200_000),
  );
});
