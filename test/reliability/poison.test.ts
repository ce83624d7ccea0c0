// Poison messages on every queue end in that queue's DLQ with a logged reason and do not hold up
// the batch; a message parked because VOD was unreachable for it goes back with
// `vodflow jobs redrive` once VOD is reachable, and its job finishes; `vodflow jobs list/show`
// say why a job failed.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vodflow } from './support/cli';
import { outcomeFigures, outcomeOf } from './support/figures';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';

const CLIPS = size('poisonClips');
// Malformed bodies per consumer queue: not JSON, the wrong shape, the wrong type or version, bad values.
const POISON: Record<string, string[]> = {
  IngestQueue: ['not json at all', '{"Records":[{"eventSource":"aws:s3"}]}'],
  UploadQueue: ['{"v":1,"type":"initiate-upload"}', '{"v":1,"type":"initiate-upload","jobId":"../../etc/passwd","attempt":1e400}'],
  ProcessQueue: ['{"v":2,"type":"start-processing","jobId":"x","attempt":1,"fileId":"1"}'],
  PollQueue: ['{"v":1,"type":"task-finished","jobId":"s3-aaaaaaaaaaaaaaaaaaaaaaaaaa","attempt":1}'],
  ResultQueue: [
    '[]',
    '{"v":1,"type":"task-finished","jobId":"","attempt":0,"vodTaskId":"t","task":"pull","via":"poll","outcome":{"ok":"yes"}}',
  ],
  ClassifyQueue: ['{"v":1,"type":"classify-failure","jobId":"j","attempt":1,"origin":"moon","code":"x","message":1}'],
};
const DLQ_OF: Record<string, string> = {
  IngestQueue: 'IngestDlq',
  UploadQueue: 'UploadDlq',
  ProcessQueue: 'ProcessDlq',
  PollQueue: 'PollDlq',
  ResultQueue: 'ResultDlq',
  ClassifyQueue: 'ClassifyDlq',
};
const POISON_COUNT = Object.values(POISON).flat().length;

let s: RelStack;
const started = Date.now();
beforeAll(async () => {
  // 5 receives × 8 s visibility: a poison message reaches its DLQ in about 35 s.
  s = await startRelStack({ limits: { functionTimeoutS: 2, visibilityTimeoutS: 8 } });
});
afterAll(async () => s?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`poison messages and redrive (${SCALE})`, () => {
  it(
    'parks poison in the DLQs without blocking the batch; redrive after the fix finishes the job; jobs list/show explain failures',
    async () => {
      const poisonIds = new Map<string, string>();
      for (const [queue, bodies] of Object.entries(POISON)) {
        for (const body of bodies) {
          const out = await s.sqs.send(new SendMessageCommand({ QueueUrl: s.local.queues[queue]!.url, MessageBody: body }));
          poisonIds.set(out.MessageId!, queue);
        }
      }
      // VOD unreachable for one video's pull: its upload message fails on every receive.
      s.proxy.block(
        (p) => p.get('Action') === 'MultiPullVodFile' && (p.get('pullset.0.fileName') ?? p.get('pullset.0.url') ?? '').includes('stranded'),
      );
      const t0 = Date.now();
      const stranded = await s.submit('stranded.mp4');
      const broken = await s.submit('broken.mp4', Buffer.from('not a video, only text pretending to be one. '.repeat(40)));
      const batch = await Promise.all(Array.from({ length: CLIPS }, (_, i) => s.submit(`batch-${i}.mp4`)));
      await s.settle([...batch, broken], limitMs(30_000, 60_000));
      const batchSeconds = (Date.now() - t0) / 1000;
      const parkedWhileBatchRan = (await Promise.all(Object.values(DLQ_OF).map((d) => s.depth(d)))).reduce((a, b) => a + b, 0);

      // Every poison message (and the stranded upload) ends in its queue's DLQ.
      const expected = Object.fromEntries(Object.entries(POISON).map(([q, b]) => [DLQ_OF[q]!, b.length + (q === 'UploadQueue' ? 1 : 0)]));
      let depths: Record<string, number> = {};
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        depths = Object.fromEntries(await Promise.all(Object.keys(expected).map(async (d) => [d, await s.depth(d)] as const)));
        if (Object.entries(expected).every(([d, n]) => depths[d] === n)) break;
        await sleep(500);
      }
      const parkedSeconds = (Date.now() - t0) / 1000;
      const strandedBefore = (await s.jobs()).find((j) => j.jobId === stranded);

      // The fix: VOD reachable again. Redrive the upload DLQ with the operator's command.
      s.proxy.block(undefined);
      const redrive = await vodflow(['jobs', 'redrive', '--queue', 'upload'], s.local);
      await s.settle([stranded], 40_000);
      const list = await vodflow(['jobs', 'list', '--status', 'FAILED'], s.local);
      const show = await vodflow(['jobs', 'show', broken], s.local);

      const all = [...batch, broken, stranded];
      const out = outcomeOf(all, await s.jobs(), s.events);
      const reasons = [...poisonIds.keys()].map((id) =>
        s.capture.find((l) => l.messageId === id && typeof l.error === 'string' && l.error.length > 0),
      );
      const logged = reasons.filter((r) => r.length > 0).length;

      await recordScenario('poison', `Poison messages (${POISON_COUNT} on 6 queues) beside ${CLIPS + 1} clips; redrive`, started, {
        requestsTried: POISON_COUNT + all.length,
        faultsInjected: POISON_COUNT + 1,
        ...outcomeFigures(out),
        crashes: 0,
        http5xx: 0,
        backoff: `poison parked after 5 receives, ${parkedSeconds.toFixed(0)} s (visibility 8 s)`,
        notes: [
          `batch of ${CLIPS} + 1 broken clip done ${batchSeconds.toFixed(1)} s after the poison was sent (${parkedWhileBatchRan} of ${POISON_COUNT + 1} messages parked by then)`,
          `DLQ depths: ${JSON.stringify(depths)}; ${logged}/${POISON_COUNT} poison messages have a log line with the reason`,
          `\`vodflow jobs redrive --queue upload\` (exit ${redrive.code}): ${redrive.stdout.trim().split('\n').slice(-1)[0] ?? ''}`,
          `stranded job before redrive: ${strandedBefore?.status}; after: ${out.lost.includes(stranded) ? 'not finished' : 'finished'}`,
        ],
      });

      expect(batchSeconds, 'the batch finished while the poison was still being retried').toBeLessThan(parkedSeconds);
      expect(depths).toEqual(expected);
      expect(logged, 'poison messages with a logged reason').toBe(POISON_COUNT);
      expect(strandedBefore?.status).toBe('QUEUED');
      expect(redrive.code, redrive.stderr).toBe(0);
      expect(await s.depth('UploadDlq')).toBeLessThan(expected.UploadDlq!);
      expect(out.lost).toEqual([]);
      expect(out.succeeded).toBe(CLIPS + 1);
      expect(out.failed).toBe(1);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain(broken);
      expect(list.stdout).toMatch(/-4300\d/);
      expect(show.code).toBe(0);
      expect(show.stdout).toMatch(/FAILED/);
      expect(show.stdout).toMatch(/meaning:/);
      expect(show.stdout).toMatch(/what to do:/);
    },
    limitMs(150_000, 200_000),
  );
});
